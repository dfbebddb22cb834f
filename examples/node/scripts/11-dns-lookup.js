// dns.lookup resolves through getaddrinfo on the thread pool.
const dns = require('dns');
dns.lookup('127.0.0.1', (err, address, family) => {
  console.log('numeric', err, address, family);
  dns.lookup('localhost', { family: 4 }, (err, address, family) => {
    console.log('localhost', err, address, family);
  });
});
console.log('looking up');
