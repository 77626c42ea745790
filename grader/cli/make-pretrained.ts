// npm run make-pretrained [-- cnn | transformer]: re-makes one of the course's
// pretrained models from its fixed seed. Without an argument, lesson 3's CNN.
const MAKERS: Record<string, () => Promise<unknown>> = {
  cnn: () => import('#lib/models/make-cnn.ts'),
  // Lesson 5's encoder is pretrained from the lesson's own blocks (the solution's), so its maker is an instructor tool.
  transformer: () => import('../instructor/make-transformer.ts'),
};

const which = process.argv[2] ?? 'cnn';
const make = MAKERS[which];
if (!make) {
  console.error(`make-pretrained: unknown model "${which}"; choose one of ${Object.keys(MAKERS).join(', ')}`);
  process.exit(2);
}
await make();
