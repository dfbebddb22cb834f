// Since Node 11, the ticks and promise jobs of a timer's callback run before the next timer
// due in the same iteration.
setTimeout(() => {
  console.log('timer 1');
  process.nextTick(() => console.log('tick from timer 1'));
  Promise.resolve().then(() => console.log('promise from timer 1'));
}, 5);
setTimeout(() => console.log('timer 2'), 5);
