// Calls Vippy's gRPC API with grpc-js and prints, one JSON line per call, the status a grpc-js user sees.
// Usage: node status-client.js <host:port> <token> <proto file> [<CA certificate file>]
'use strict';
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [address, token, protoFile, caFile] = process.argv.slice(2);
const credentials = caFile ? grpc.credentials.createSsl(fs.readFileSync(caFile)) : grpc.credentials.createInsecure();
const vippy = grpc.loadPackageDefinition(protoLoader.loadSync(protoFile, {})).vippy.v1;
const client = new vippy.LoadBalancerService(address, credentials);
const generic = new grpc.Client(address, credentials);
const metadata = new grpc.Metadata();
metadata.add('authorization', 'Bearer ' + token);
const deadline = () => ({ deadline: Date.now() + 10000 });

function call(method, request) {
  return new Promise((resolve) => client[method](request, metadata, deadline(), (error, response) => resolve({ error, response })));
}

function report(name, error) {
  console.log(JSON.stringify({ call: name, code: error ? error.code : 0, details: error ? error.details : '' }));
}

async function main() {
  report('badScheduler', (await call('createLoadBalancer', { name: 'grpc-js', port: 80, scheduler: 'bad' })).error);
  const created = await call('createLoadBalancer', { name: 'grpc-js', port: 80 });
  if (created.error) {
    throw created.error;
  }
  const uuid = created.response.uuid;
  const backend = { loadBalancerUuid: uuid, ip: '10.0.0.1', port: 80 };
  report('firstBackend', (await call('addBackend', backend)).error);
  report('duplicateBackend', (await call('addBackend', backend)).error);
  await call('deleteLoadBalancer', { uuid });
  const unknown = await new Promise((resolve) => generic.makeUnaryRequest('/vippy.v1.LoadBalancerService/NoSuchMethod',
      (message) => message, (bytes) => bytes, Buffer.alloc(0), metadata, deadline(), (error) => resolve(error)));
  report('unknownMethod', unknown);
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
