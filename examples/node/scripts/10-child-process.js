// child_process.spawn: stdout and stderr as streams, then 'exit' and 'close' with the code.
const { spawn } = require('child_process');
const child = spawn('sh', ['-c', 'echo out; echo err 1>&2; exit 3']);
let out = '';
let err = '';
child.stdout.setEncoding('utf8');
child.stderr.setEncoding('utf8');
child.stdout.on('data', (d) => { out += d; });
child.stderr.on('data', (d) => { err += d; });
child.on('exit', (code, signal) => console.log('exit', code, signal));
child.on('close', (code, signal) => {
  console.log('close', code, signal, JSON.stringify(out), JSON.stringify(err));
  const missing = spawn('/nonexistent/program', []);
  missing.on('error', (e) => console.log('error', e.code, e.syscall, e.path));
});
