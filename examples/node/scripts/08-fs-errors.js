// Node's error objects: code, errno, syscall, path and the message built from them.
const fs = require('fs');
const missing = __dirname + '/does-not-exist';
fs.stat(missing, (err) => {
  console.log(err instanceof Error, err.code, err.errno, err.syscall, err.path === missing);
  console.log(err.message === "ENOENT: no such file or directory, stat '" + missing + "'");
  fs.readFile(missing, (err, data) => {
    console.log(err.code, err.syscall, data);
  });
});
