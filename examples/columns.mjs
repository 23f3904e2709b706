// Values and gradients of columns already in memory, on the calling thread (no worker pool).
// Usage: node examples/columns.mjs
import { computeColumns } from 'batch-grad';

// The seed notebook's example, plus a second row; the logistic model's n (here 2) comes from the names.
const { value, gradients } = computeColumns({
  w1: [2, 0.5],
  w2: [-3, 1],
  x1: [-1, 2],
  x2: [-2, -1],
  b: [-3, 0],
});
console.log('f      ', Array.from(value));
for (const [name, column] of Object.entries(gradients)) console.log(`df/d${name.padEnd(3)}`, Array.from(column));

// Any formula works too: the notebook's bug case, with the gradient of w accumulated over both uses.
const bug = computeColumns({ w: [5], x1: [1], x2: [2] }, 'w*x1 + w*x2');
console.log('w*x1 + w*x2 at (5, 1, 2):', bug.value[0], {
  dw: bug.gradients.w[0],
  dx1: bug.gradients.x1[0],
  dx2: bug.gradients.x2[0],
});
