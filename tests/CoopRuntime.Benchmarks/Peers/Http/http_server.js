// Node.js `http` server for the `compare` HTTP workload: usage `node http_server.js PORT`.
// It answers every request like the sample's GET /: 200, text/plain, "Hello, World!".
const http = require('http');
const port = parseInt(process.argv[2], 10);
const body = 'Hello, World!';
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
  res.end(body);
}).listen(port, '127.0.0.1', () => console.log('ready'));
