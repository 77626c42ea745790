// The script each WebAssembly thread of tfjs's threaded build runs. tfjs ships
// it only as a string, which it hands to the browser as a Blob URL; Node's
// worker_threads need a file, so this file runs that string as its own code.
'use strict';
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
// Its string literals' "\n" arrive as real newlines, as tfjs notes too: escape them back.
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
