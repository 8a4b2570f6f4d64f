import v8 from 'node:v8';

// V8 sizes its heap for throughput: polling fast (the soak runs at 10 ms) the young generation grew with the
// allocation rate (about 170 MB RSS in JSON mode, 118 MB without that growth), and with Ink's live heap the
// old generation was let grow by ~17 MB per 10,000 polls before a full collection (101 → 114 MB in 80 s; with
// --optimize-for-size 99 → 104 MB, collected back). At the default 2 s interval neither matters, and the
// CPU cost is not measurable there. Imported first, before anything allocates.
v8.setFlagsFromString('--semi-space-growth-factor=1');
v8.setFlagsFromString('--optimize-for-size');
