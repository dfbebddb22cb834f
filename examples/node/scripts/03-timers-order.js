// Timers fire in the order of their due times; equal delays keep the order of the calls.
setTimeout(() => console.log('30 ms'), 30);
setTimeout(() => console.log('10 ms a'), 10);
setTimeout(() => console.log('20 ms'), 20);
setTimeout(() => console.log('10 ms b'), 10);
const cancelled = setTimeout(() => console.log('never'), 15);
clearTimeout(cancelled);
setTimeout(() => console.log('10 ms c, with', 'args'), 10);
