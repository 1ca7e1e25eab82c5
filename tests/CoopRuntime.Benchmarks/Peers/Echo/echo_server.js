// Node.js `net` echo server for the `compare` TCP echo workload: usage `node echo_server.js PORT`.
// It prints "ready" once listening, like every echo server in the comparison.
const net = require('net');
const port = parseInt(process.argv[2], 10);
const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('error', () => socket.destroy());
});
server.listen(port, '127.0.0.1', () => console.log('ready'));
