'use strict';
// A stand-in for an app in the launcher's unit tests; FAKE_APP says how it behaves.
const behaviour = process.env.FAKE_APP;
console.log(`fake app (${behaviour}), pid ${process.pid}, starting in ${process.cwd()}`);

if (behaviour === 'crashes') {
  console.error('cannot listen: address in use');
  process.exit(3);
}
if (behaviour === 'ignores-sigterm') {
  process.on('SIGTERM', () => console.log('SIGTERM ignored'));
}
if (behaviour !== 'silent') process.send({ type: 'ready' });
// Runs until it is stopped, as an app does.
setTimeout(() => undefined, 600_000);
