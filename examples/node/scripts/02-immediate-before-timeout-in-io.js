// Inside an I/O callback, setImmediate always runs before setTimeout(0): the check phase
// follows the poll phase, and the timers phase comes only in the next iteration.
const fs = require('fs');
fs.readFile(__filename, () => {
  setTimeout(() => console.log('timeout'), 0);
  setImmediate(() => console.log('immediate'));
  process.nextTick(() => console.log('nextTick'));
});
