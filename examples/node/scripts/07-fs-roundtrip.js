// fs.writeFile, fs.stat, fs.readFile and fs.unlink, each completing on the loop.
const fs = require('fs');
const path = __dirname + '/07-roundtrip.txt';
fs.writeFile(path, 'hello from the loop\n', (err) => {
  console.log('written', err);
  fs.stat(path, (err, st) => {
    console.log('stat', err, st.size, st.isFile(), st.isDirectory());
    fs.readFile(path, 'utf8', (err, data) => {
      console.log('read', err, JSON.stringify(data));
      fs.unlink(path, (err) => console.log('unlinked', err));
    });
  });
});
console.log('queued');
