// The storefront: reads its API base from config.json (written by `projet1 deploy-website`),
// lists products page by page with the API's cursor, filters by category, shows a product,
// and in admin mode creates, edits (with the version, for optimistic concurrency) and deletes.
// Product data only ever reaches the page as text (textContent, value), never as HTML.
// The admin credential (and its sign-in) is admin.js's.
import { admin, renderAdminBar, useAccounts, wireAdmin } from './admin.js';

const PAGE_SIZE = 12;
const $ = (id) => document.getElementById(id);
const state = { apiBase: '', currency: 'EUR', cursors: [null], page: 0, category: '', current: null, editing: null };

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `The API answered ${status}.`);
    this.status = status;
    this.body = body || {};
  }
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const authorization = options.admin ? await admin.authorization() : null;
  if (authorization) headers.Authorization = authorization;
  const res = await fetch(`${state.apiBase}${path}`, {
    method: options.method || 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (refusedByEdge(res, body, options)) throw new ApiError(403, { message: 'The request was refused.' });
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/**
 * With accounts, through the distribution, an API's 403 (an account whose group may not) reaches the page as the
 * site's error page: CloudFront's answer to the bucket's 403 (a missing file) is the distribution's, for every
 * origin. The API itself always answers JSON, so a write answered by an HTML page was refused before or by the API.
 */
function refusedByEdge(res, body, options) {
  const html = /html/.test(res.headers.get('content-type') ?? '');
  return Boolean(state.auth) && options.admin && body === null && res.status === 404 && html;
}

const money = (value) =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency: state.currency }).format(value);
const stockText = (n) => (n === 0 ? 'Out of stock' : `${n} in stock`);

function setStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}

function renderProducts(items) {
  const list = $('products');
  list.replaceChildren();
  for (const p of items) {
    const card = $('card').content.firstElementChild.cloneNode(true);
    card.querySelector('.card-name').textContent = p.name;
    card.querySelector('.card-category').textContent = p.category;
    card.querySelector('.card-price').textContent = money(p.price);
    card.querySelector('.card-stock').textContent = stockText(p.stock);
    card.querySelector('.card-description').textContent = p.description || '';
    const open = card.querySelector('.card-open');
    open.setAttribute('aria-label', `${p.name}, ${p.category}, ${money(p.price)}`);
    open.addEventListener('click', () => showDetail(p.product_id));
    list.append(card);
  }
}

async function loadPage() {
  setStatus('Loading products…');
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (state.category) query.set('category', state.category);
  const cursor = state.cursors[state.page];
  if (cursor) query.set('cursor', cursor);
  try {
    const body = await api(`/products?${query}`);
    renderProducts(body.items);
    state.cursors[state.page + 1] = body.cursor;
    $('prev').disabled = state.page === 0;
    $('next').disabled = !body.cursor;
    $('page-label').textContent = `Page ${state.page + 1}`;
    if (body.items.length === 0) setStatus(state.category ? `No products in “${state.category}”.` : 'No products yet.');
    else setStatus(`${body.items.length} product(s) on this page.`);
  } catch (err) {
    renderProducts([]);
    setStatus(`The catalog could not be loaded: ${err.message}`, true);
  }
}

/**
 * Categories present: from one page of the catalog (the API has no category list), kept for this tab for
 * five minutes. Every list read costs the table read units, and anonymous visitors must not be able to
 * spend them fast: a page view reads at most this page and the products shown. After a write, `fresh`.
 */
const CATEGORIES_KEY = 'projet1.categories';
const CATEGORIES_TTL_MS = 5 * 60 * 1000;

async function categoryNames(fresh) {
  try {
    const kept = JSON.parse(sessionStorage.getItem(CATEGORIES_KEY) ?? 'null');
    if (!fresh && kept && Date.now() - kept.at < CATEGORIES_TTL_MS && Array.isArray(kept.names)) return kept.names;
  } catch {
    // Unreadable: read again.
  }
  const body = await api('/products?limit=100');
  const names = [...new Set(body.items.map((p) => p.category))];
  sessionStorage.setItem(CATEGORIES_KEY, JSON.stringify({ at: Date.now(), names }));
  return names;
}

async function loadCategories(fresh = false) {
  const seen = new Set(await categoryNames(fresh));
  const select = $('category');
  const list = $('known-categories');
  const keep = select.value;
  select.replaceChildren(new Option('All categories', ''));
  list.replaceChildren();
  for (const c of [...seen].sort((a, b) => a.localeCompare(b))) {
    select.append(new Option(c, c));
    list.append(new Option(c));
  }
  select.value = seen.has(keep) ? keep : '';
}

function fill(id, text) {
  $(id).textContent = text;
}

async function showDetail(id) {
  try {
    const p = await api(`/products/${encodeURIComponent(id)}`);
    state.current = p;
    fill('detail-name', p.name);
    fill('detail-category', p.category);
    fill('detail-price', money(p.price));
    fill('detail-stock', stockText(p.stock));
    fill('detail-description', p.description || 'No description.');
    fill('detail-id', p.product_id);
    fill('detail-version', String(p.version));
    fill('detail-updated', new Date(p.updated_at).toLocaleString());
    fill('detail-error', '');
    $('detail-edit').hidden = !admin.signedIn();
    $('detail-delete').hidden = !admin.canDelete();
    $('detail').showModal();
  } catch (err) {
    setStatus(
      err.status === 404 ? 'That product no longer exists.' : `The product could not be loaded: ${err.message}`,
      true,
    );
  }
}

const FIELDS = ['name', 'category', 'price', 'stock', 'description'];

function clearFieldErrors() {
  for (const f of FIELDS) {
    fill(`e-${f}`, '');
    $(`f-${f}`).removeAttribute('aria-invalid');
  }
  fill('form-error', '');
}

function openEditor(product) {
  state.editing = product;
  clearFieldErrors();
  fill('editor-title', product ? `Edit ${product.name}` : 'New product');
  $('f-name').value = product?.name ?? '';
  $('f-category').value = product?.category ?? '';
  $('f-price').value = product ? String(product.price) : '';
  $('f-stock').value = product ? String(product.stock) : '';
  $('f-description').value = product?.description ?? '';
  $('editor').showModal();
  $('f-name').focus();
}

/** Numbers stay text when they are not numbers, so the API's validation names the field. */
const asNumber = (text) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text.trim());

function formBody() {
  const body = {
    name: $('f-name').value.trim(),
    category: $('f-category').value.trim(),
    price: asNumber($('f-price').value),
    stock: asNumber($('f-stock').value),
  };
  const description = $('f-description').value.trim();
  if (description) body.description = description;
  else if (state.editing?.description) body.description = null;
  return body;
}

function showApiError(err) {
  if (err.status === 400 && Array.isArray(err.body.details)) {
    let first = null;
    for (const d of err.body.details) {
      if (!FIELDS.includes(d.field)) continue;
      fill(`e-${d.field}`, d.message);
      $(`f-${d.field}`).setAttribute('aria-invalid', 'true');
      first ??= $(`f-${d.field}`);
    }
    fill('form-error', 'Please correct the marked fields.');
    first?.focus();
  } else if (err.status === 409) {
    fill('form-error', 'This product changed meanwhile (someone else saved it). Close, reload it and try again.');
  } else if (err.status === 401 || err.status === 403) {
    fill('form-error', admin.refused(err, 'save'));
  } else fill('form-error', `Saving failed: ${err.message}`);
}

async function save(event) {
  event.preventDefault();
  clearFieldErrors();
  $('save').disabled = true;
  try {
    const editing = state.editing;
    const saved = editing
      ? await api(`/products/${encodeURIComponent(editing.product_id)}`, {
          method: 'PUT',
          admin: true,
          body: { ...formBody(), version: editing.version },
        })
      : await api('/products', { method: 'POST', admin: true, body: formBody() });
    $('editor').close();
    $('detail').close();
    await Promise.all([loadCategories(true), loadPage()]);
    setStatus(`${editing ? 'Saved' : 'Created'} “${saved.name}”.`);
  } catch (err) {
    showApiError(err);
  } finally {
    $('save').disabled = false;
  }
}

async function remove() {
  const p = state.current;
  if (!p || !window.confirm(`Delete “${p.name}”? This cannot be undone.`)) return;
  try {
    await api(`/products/${encodeURIComponent(p.product_id)}`, { method: 'DELETE', admin: true });
    $('detail').close();
    await Promise.all([loadCategories(true), loadPage()]);
    setStatus(`Deleted “${p.name}”.`);
  } catch (err) {
    const refused = err.status === 401 || err.status === 403;
    fill('detail-error', refused ? admin.refused(err, 'delete') : `Deleting failed: ${err.message}`);
  }
}

function wire() {
  for (const button of document.querySelectorAll('[data-close]')) {
    button.addEventListener('click', () => button.closest('dialog').close());
  }
  $('category').addEventListener('change', () => {
    state.category = $('category').value;
    state.cursors = [null];
    state.page = 0;
    void loadPage();
  });
  $('next').addEventListener('click', () => {
    state.page++;
    void loadPage().then(() => $('main').focus());
  });
  $('prev').addEventListener('click', () => {
    state.page = Math.max(0, state.page - 1);
    void loadPage().then(() => $('main').focus());
  });
  wireAdmin({ render: renderAdminBar, status: setStatus });
  $('new-product').addEventListener('click', () => openEditor(null));
  $('detail-edit').addEventListener('click', () => openEditor(state.current));
  $('detail-delete').addEventListener('click', remove);
  $('product-form').addEventListener('submit', save);
}

async function start() {
  wire();
  renderAdminBar();
  try {
    const res = await fetch('config.json', { cache: 'no-cache' });
    if (res.ok) Object.assign(state, await res.json());
  } catch {
    // No runtime configuration: the API is on the same origin (CloudFront), as by default.
  }
  if (state.auth) useAccounts(state.auth);
  await Promise.all([loadPage(), loadCategories().catch(() => undefined)]);
}

void start();
