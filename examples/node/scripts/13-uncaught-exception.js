// An exception nobody catches ends the process with exit code 1, after the 'exit' event;
// the timer after it never runs.
process.on('exit', (code) => console.log('exit event', code));
setTimeout(() => {
  console.log('before throw');
  throw new Error('boom');
}, 1);
setTimeout(() => console.log('never printed'), 50);
