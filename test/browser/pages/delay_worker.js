// Sender-side encoded transform for the comparison with Chromium's own jitter
// buffer: holds each audio frame for the delay the trace gave its packet, and
// drops the frames the trace lost, so the stream leaves with the trace's
// jitter and loss. The schedule comes in the transform's options.
onrtctransform = (event) => {
  const { delaysMs } = event.transformer.options;
  const reader = event.transformer.readable.getReader();
  const writer = event.transformer.writable.getWriter();
  let index = 0;
  const pump = async () => {
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done) return;
      const delay = delaysMs[index % delaysMs.length];
      index++;
      if (delay === null) continue; // lost on the trace
      setTimeout(() => writer.write(frame).catch(() => {}), delay);
    }
  };
  pump();
};
