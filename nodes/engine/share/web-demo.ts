/**
 * "Export web demo": a zip that classifies webcam or file images from any static host, offline — one index.html,
 * the tfjs build (tf.min.js), the trained model (model/model.json + model/weights.bin) and labels.json. The page
 * preprocesses exactly like Graft's Try it (stretch resize with half-pixel centres, 8-bit pixels, the model's scaling).
 */
import { strToU8, unzipSync, zipSync } from 'fflate';
import { scalingToAffine } from '../../pretrained-model/catalog';

export interface WebDemoInput {
  name: string;
  /** Zip from the worker's export-model: model.json, weights.bin, labels.json. */
  modelZip: Uint8Array;
  /** The tfjs browser bundle (node_modules/@tensorflow/tfjs/dist/tf.min.js). */
  tfjsScript: Uint8Array;
  labels: string[];
  inputSize: [number, number];
  inputScaling: 'minus1to1' | 'zero1' | 'raw255';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function webDemoHtml(cfg: { name: string; labels: string[]; inputSize: [number, number]; inputScaling: WebDemoInput['inputScaling'] }): string {
  const { scale, offset } = scalingToAffine(cfg.inputScaling);
  // JSON inside a <script>: escape "<" so a label can never close the script element.
  const config = JSON.stringify({ labels: cfg.labels, inputSize: cfg.inputSize, scale, offset }).replace(/</g, '\\u003c');
  const title = escapeHtml(cfg.name);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — image classifier</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; max-width: 680px; margin: 24px auto; padding: 0 16px; color: #212529; }
  h1 { font-size: 22px; }
  .row { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 12px 0; }
  button, input[type=file] { font: inherit; }
  button { padding: 6px 14px; border-radius: 6px; border: 1px solid #adb5bd; background: #fff; cursor: pointer; }
  img, video { max-width: 224px; max-height: 224px; border-radius: 8px; background: #000; }
  ol { padding-left: 0; list-style: none; }
  li { display: grid; grid-template-columns: 140px 1fr 56px; gap: 8px; align-items: center; margin: 3px 0; }
  .bar { height: 10px; background: #e9ecef; border-radius: 5px; overflow: hidden; }
  .bar span { display: block; height: 100%; background: #4c6ef5; }
  #result { font-weight: 600; font-size: 18px; }
  .muted { color: #6c757d; font-size: 13px; }
</style>
</head>
<body>
<h1>${title}</h1>
<p class="muted">Classifies images in this browser with a model trained in Graft. Nothing is uploaded anywhere.</p>
<div class="row">
  <label for="file">Choose an image</label>
  <input id="file" type="file" accept="image/*" disabled>
  <button id="webcam" type="button" disabled>Use webcam</button>
</div>
<div class="row"><img id="preview" alt="" hidden><video id="video" playsinline muted hidden></video></div>
<p id="result" role="status" aria-live="polite">Loading the model…</p>
<ol id="bars" aria-label="Class probabilities"></ol>
<p class="muted">Classes: ${cfg.labels.map(escapeHtml).join(', ')}</p>
<script src="tf.min.js"></script>
<script>
const CONFIG = ${config};
let model = null;
const result = document.getElementById('result');
const bars = document.getElementById('bars');
const fileInput = document.getElementById('file');
const webcamButton = document.getElementById('webcam');
const preview = document.getElementById('preview');
const video = document.getElementById('video');

async function classify(source) {
  const probs = tf.tidy(() => {
    const x = tf.browser.fromPixels(source).toFloat();
    const resized = tf.image.resizeBilinear(x, CONFIG.inputSize, false, true).clipByValue(0, 255).floor();
    return model.predict(resized.mul(CONFIG.scale).add(CONFIG.offset).expandDims(0)).reshape([-1]);
  });
  const p = Array.from(await probs.data());
  probs.dispose();
  const order = p.map((v, i) => i).sort((a, b) => p[b] - p[a]);
  result.textContent = 'Prediction: ' + CONFIG.labels[order[0]] + ' (' + (p[order[0]] * 100).toFixed(0) + '%)';
  bars.replaceChildren(...order.map((i) => {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = CONFIG.labels[i];
    const bar = document.createElement('span');
    bar.className = 'bar';
    const fill = document.createElement('span');
    fill.style.width = (p[i] * 100).toFixed(1) + '%';
    bar.append(fill);
    const value = document.createElement('span');
    value.textContent = (p[i] * 100).toFixed(1) + '%';
    li.append(name, bar, value);
    return li;
  }));
}

fileInput.addEventListener('change', () => {
  const file = fileInput.files && fileInput.files[0];
  if (!file) return;
  const url = URL.createObjectURL(file);
  preview.onload = () => classify(preview).catch((e) => (result.textContent = 'Could not classify: ' + e.message));
  preview.onerror = () => (result.textContent = 'That file could not be read as an image.');
  preview.src = url;
  preview.hidden = false;
});

let timer = null;
webcamButton.addEventListener('click', async () => {
  if (timer) {
    clearInterval(timer);
    timer = null;
    video.srcObject && video.srcObject.getTracks().forEach((t) => t.stop());
    video.hidden = true;
    webcamButton.textContent = 'Use webcam';
    return;
  }
  try {
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
    await video.play();
    video.hidden = false;
    webcamButton.textContent = 'Stop webcam';
    timer = setInterval(() => { if (video.readyState >= 2) classify(video); }, 600);
  } catch (e) {
    result.textContent = 'The webcam is not available: ' + e.message;
  }
});

tf.loadLayersModel('model/model.json').then((m) => {
  model = m;
  fileInput.disabled = false;
  webcamButton.disabled = false;
  result.textContent = 'Ready: choose an image or use the webcam.';
}, (e) => {
  result.textContent = 'Could not load the model (' + e.message + '). Serve this folder from a web server; browsers block file:// fetches.';
});
</script>
</body>
</html>
`;
}

export function buildWebDemoZip(input: WebDemoInput): Uint8Array {
  const model = unzipSync(input.modelZip);
  if (!model['model.json'] || !model['weights.bin']) throw new Error('The exported model is incomplete.');
  const readme =
    `${input.name} — web demo exported from Graft.\n\n` +
    'Serve this folder from any static web server (for example: npx serve . or python3 -m http.server) and open\n' +
    'index.html. Everything runs in the browser, offline; tf.min.js is TensorFlow.js (Apache-2.0).\n';
  return zipSync(
    {
      'index.html': strToU8(webDemoHtml(input)),
      'tf.min.js': input.tfjsScript,
      'model/model.json': model['model.json'],
      'model/weights.bin': model['weights.bin'],
      'labels.json': model['labels.json'] ?? strToU8(JSON.stringify({ labels: input.labels })),
      'README.txt': strToU8(readme),
    },
    { level: 6 },
  );
}
