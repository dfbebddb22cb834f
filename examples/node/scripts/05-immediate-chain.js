// An immediate queued by an immediate runs in the next iteration, after the ones already
// queued; ticks and promise jobs run between immediates.
setImmediate(() => {
  console.log('immediate A');
  setImmediate(() => console.log('immediate C (queued by A)'));
  process.nextTick(() => console.log('tick after A'));
  Promise.resolve().then(() => console.log('promise after A'));
});
setImmediate(() => console.log('immediate B'));
const cleared = setImmediate(() => console.log('never'));
clearImmediate(cleared);
