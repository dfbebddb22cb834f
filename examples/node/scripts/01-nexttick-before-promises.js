// process.nextTick callbacks run before promise jobs, after the current operation.
console.log('sync 1');
Promise.resolve().then(() => console.log('promise 1'));
process.nextTick(() => console.log('tick 1'));
Promise.resolve().then(() => {
  console.log('promise 2');
  process.nextTick(() => console.log('tick from promise'));
  Promise.resolve().then(() => console.log('promise from promise'));
});
process.nextTick(() => {
  console.log('tick 2');
  process.nextTick(() => console.log('tick from tick'));
  Promise.resolve().then(() => console.log('promise from tick'));
});
console.log('sync 2');
