/* global document, location, FileReader, DataTransfer */
/**
 * The demo page's frame pickers: a first and a last frame, each chosen with the file picker or
 * dropped on its zone, shown as a thumbnail (a data: URL read in the browser; nothing is sent
 * until the form is submitted), with a line saying which model the frames make:
 * none → text-to-video, a first frame → image-to-video, both → transition.
 */

export const FRAME_FIELDS = ['firstFrame', 'lastFrame'];

const MODEL_TEXT = {
  none: 'No frames: text-to-video, made from the prompt alone.',
  first: 'First frame: image-to-video. The video starts from your image and follows the prompt.',
  both: 'First and last frames: transition. The video moves from the first image to the last.',
  lastOnly: 'A last frame needs a first frame too: add one for a transition, or remove the last frame.',
};

const $ = (id) => document.getElementById(id);

/** The model the chosen frames make, in the API's words (null when the choice cannot be sent). */
export function modelFor(first, last) {
  if (last && !first) return null;
  return first ? (last ? 'TRANSITION' : 'IMAGE_TO_VIDEO') : 'TEXT_TO_VIDEO';
}

/**
 * Wires both pickers. `onChange(field)` runs whenever a frame is chosen, dropped or removed (the
 * form forgets its idempotency key then: different frames are a different request).
 */
export function setupFrames({ onChange }) {
  const chosen = { firstFrame: null, lastFrame: null };

  function explain() {
    const hint = $('model-hint');
    const { firstFrame: first, lastFrame: last } = chosen;
    const key = last && !first ? 'lastOnly' : first ? (last ? 'both' : 'first') : 'none';
    hint.textContent = MODEL_TEXT[key];
    hint.dataset.model = modelFor(first, last) ?? 'INVALID';
    hint.dataset.problem = String(key === 'lastOnly');
  }

  function show(field, file) {
    chosen[field] = file;
    const thumb = $(`${field}-thumb`);
    const zone = $(`${field}-zone`).querySelector('.drop');
    zone.dataset.empty = String(!file);
    $(`${field}-clear`).hidden = !file;
    $(`${field}-name`).textContent = file ? `${file.name || 'image'} (${Math.max(1, Math.round(file.size / 1024))} KB)` : '';
    thumb.hidden = true;
    thumb.removeAttribute('src');
    if (file) {
      const reader = new FileReader();
      reader.onload = () => {
        // Only the file still chosen gets its thumbnail (a later choice may have replaced it).
        if (chosen[field] !== file) return;
        thumb.src = String(reader.result);
        thumb.alt = `${field === 'firstFrame' ? 'First' : 'Last'} frame: ${file.name || 'chosen image'}`;
        thumb.hidden = false;
      };
      reader.readAsDataURL(file);
    }
    explain();
    onChange(field);
  }

  for (const field of FRAME_FIELDS) {
    const input = $(field);
    input.addEventListener('change', () => show(field, input.files && input.files[0] ? input.files[0] : null));
    $(`${field}-clear`).addEventListener('click', () => {
      input.value = '';
      show(field, null);
      input.focus();
    });
    const zone = $(`${field}-zone`).querySelector('.drop');
    zone.addEventListener('dragover', (e) => {
      e.preventDefault();
      zone.classList.add('dragging');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('dragging');
      const file = e.dataTransfer && e.dataTransfer.files[0];
      if (!file) return;
      // Keep the input in step with what was dropped, so the form shows one truth.
      const transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      show(field, file);
    });
  }
  explain();

  return {
    /** The chosen files by field (absent when none). */
    files() {
      const out = {};
      for (const f of FRAME_FIELDS) if (chosen[f]) out[f] = chosen[f];
      return out;
    },
  };
}

/** A generation's frames as small figures: an upload from this gateway as an image, a URL as a link. */
export function frameFigures(gen) {
  const figures = [];
  for (const [field, label] of [['firstFrame', 'First frame'], ['lastFrame', 'Last frame']]) {
    const frame = gen[field];
    if (!frame) continue;
    const figure = document.createElement('figure');
    const caption = document.createElement('figcaption');
    caption.textContent = label;
    // The page may only load images from this origin (its Content-Security-Policy).
    if (frame.url.startsWith(`${location.origin}/images/`)) {
      const img = document.createElement('img');
      img.src = frame.url;
      img.alt = label;
      figure.append(img, caption);
    } else {
      const a = document.createElement('a');
      a.href = frame.url;
      a.rel = 'noreferrer';
      a.textContent = frame.url;
      figure.append(a, caption);
    }
    figures.push(figure);
  }
  return figures;
}
