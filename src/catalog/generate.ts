// Realistic sample products, reproducible from a seed: same seed, same items (ids and
// timestamps included), so seeding twice with one seed rewrites the same products.
import type { Product } from '../../runtime/catalog/product.js';

/** mulberry32: tiny, fast, good enough for sample data (not for secrets). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATALOG: Record<string, { nouns: string[]; min: number; max: number }> = {
  electronics: {
    nouns: ['Headphones', 'Charger', 'Keyboard', 'Mouse', 'Speaker', 'Monitor', 'Webcam', 'Router'],
    min: 9,
    max: 900,
  },
  books: { nouns: ['Novel', 'Cookbook', 'Atlas', 'Biography', 'Guide', 'Anthology', 'Handbook'], min: 5, max: 60 },
  home: { nouns: ['Lamp', 'Rug', 'Mirror', 'Clock', 'Vase', 'Cushion', 'Curtain', 'Shelf'], min: 8, max: 400 },
  kitchen: { nouns: ['Kettle', 'Pan', 'Knife Set', 'Blender', 'Mug', 'Teapot', 'Cutting Board'], min: 4, max: 300 },
  garden: { nouns: ['Hose', 'Planter', 'Rake', 'Bench', 'Lantern', 'Seed Kit'], min: 6, max: 250 },
  toys: { nouns: ['Puzzle', 'Robot', 'Kite', 'Board Game', 'Plush Bear', 'Train Set'], min: 5, max: 150 },
  sports: { nouns: ['Yoga Mat', 'Dumbbell', 'Racket', 'Helmet', 'Water Bottle', 'Backpack'], min: 7, max: 350 },
  clothing: { nouns: ['T-Shirt', 'Hoodie', 'Scarf', 'Jacket', 'Socks', 'Cap'], min: 6, max: 220 },
};
const ADJECTIVES = [
  'Classic',
  'Compact',
  'Deluxe',
  'Eco',
  'Essential',
  'Modern',
  'Pro',
  'Smart',
  'Vintage',
  'Ultra',
  'Nordic',
  'Urban',
];
const COLOURS = ['Black', 'White', 'Slate', 'Olive', 'Navy', 'Sand', 'Crimson', 'Teal'];
const CATEGORIES = Object.keys(CATALOG);
const EPOCH = Date.UTC(2026, 0, 1);

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

/** A UUID v4-shaped id drawn from the generator, so ids are reproducible too. */
function uuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Math.floor(rand() * 4) + 8) as number).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function* generateProducts(count: number, seed: number): Generator<Product> {
  const rand = prng(seed);
  for (let i = 0; i < count; i++) {
    const category = pick(rand, CATEGORIES);
    const spec = CATALOG[category] ?? { nouns: ['Item'], min: 1, max: 100 };
    const noun = pick(rand, spec.nouns);
    // Log-uniform prices with retail endings (.99, .49, .00).
    const raw = Math.exp(Math.log(spec.min) + rand() * (Math.log(spec.max) - Math.log(spec.min)));
    const price = Math.max(0, Math.floor(raw) + pick(rand, [0.99, 0.49, 0, 0.99]));
    const at = new Date(EPOCH + Math.floor(rand() * 300 * 86400) * 1000).toISOString();
    const product: Product = {
      product_id: uuid(rand),
      name: `${pick(rand, ADJECTIVES)} ${pick(rand, COLOURS)} ${noun}`,
      category,
      price: Math.round(price * 100) / 100,
      stock: rand() < 0.08 ? 0 : Math.floor(rand() * 500),
      created_at: at,
      updated_at: at,
      version: 1,
    };
    if (rand() < 0.6)
      product.description = `${noun} from the ${category} range, ${pick(rand, ['best seller', 'new this season', 'limited stock', 'customer favourite'])}.`;
    yield product;
  }
}
