// process.exit ends at once with its code: pending timers and ticks never run.
process.on('exit', (code) => console.log('exit event', code));
setTimeout(() => console.log('never printed'), 10);
setImmediate(() => {
  console.log('exiting');
  process.nextTick(() => console.log('never printed either'));
  process.exit(7);
});
