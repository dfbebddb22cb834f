// A TCP echo server and a client on 127.0.0.1; the client half-closes and both sides close.
const net = require('net');
const server = net.createServer((sock) => {
  sock.on('data', (d) => sock.write(d));
});
server.listen(0, '127.0.0.1', () => {
  const { port, family } = server.address();
  console.log('listening', family, port > 0);
  const client = net.connect(port, '127.0.0.1', () => {
    console.log('connected');
    client.write('hello, ');
    client.write('echo');
  });
  client.setEncoding('utf8');
  let got = '';
  client.on('data', (d) => {
    got += d;
    if (got === 'hello, echo') {
      console.log('echoed', got);
      client.end();
    }
  });
  client.on('end', () => console.log('client end'));
  client.on('close', (hadError) => {
    console.log('client close', hadError);
    server.close(() => console.log('server closed'));
  });
});
