// setInterval repeats until clearInterval, which may be called from its own callback.
let n = 0;
const iv = setInterval((label) => {
  n++;
  console.log(label, n);
  if (n === 3) {
    clearInterval(iv);
    console.log('cleared');
  }
}, 5, 'tick');
