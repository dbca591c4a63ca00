// Opens one PDF with Mozilla's PDF.js and renders every page to a canvas, as a browser's PDF
// viewer would; reports the page count and every message PDF.js printed (its warnings included).
// Run by tests/test_checkers.py through Selenium: arguments[0] is the PDF's URL.
const done = arguments[arguments.length - 1];
const url = arguments[0];
(async () => {
  const messages = [];
  for (const level of ["log", "warn", "error", "info"]) {
    const original = console[level];
    console[level] = (...args) => { messages.push(`${level}: ${args.join(" ")}`); original.apply(console, args); };
  }
  window.addEventListener("error", (event) => messages.push(`uncaught: ${event.message}`));
  // The worker's code on the page's own thread, so the warnings it prints while parsing reach us too.
  await import("/pdf.worker.mjs");
  const pdfjs = await import("/pdf.mjs");
  const task = pdfjs.getDocument({ url, verbosity: pdfjs.VerbosityLevel.WARNINGS });
  const pdf = await task.promise;
  let rendered = 0;
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number);
    const viewport = page.getViewport({ scale: 1 });
    const canvas = document.createElement("canvas");
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
    rendered++;
  }
  await task.destroy();
  done({ pages: pdf.numPages, rendered, messages });
})().catch((error) => done({ error: `${error}`, messages: [] }));
