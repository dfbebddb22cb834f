// process.on('SIGUSR2') watches a signal with a libuv signal handle, which does not keep the
// process alive; process.kill sends it.
const keepAlive = setInterval(() => {}, 1000);
process.on('SIGUSR2', (name) => {
  console.log('got', name);
  clearInterval(keepAlive);
  process.removeAllListeners('SIGUSR2');
});
process.on('exit', (code) => console.log('exit event', code));
process.kill(process.pid, 'SIGUSR2');
console.log('sent');
