// AudioWorklet: microphone float samples -> 16 kHz PCM16 frames of 20 ms, posted to the page.
// Runs on the audio thread; resamples linearly when the context is not already at 16 kHz.
const TARGET_RATE = 16000;
const FRAME = 320; // 20 ms at 16 kHz

class MicCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE; // input samples per output sample
    this.pos = 0; // fractional read position into the carried input
    this.carry = new Float32Array(0);
    this.out = new Int16Array(FRAME);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    const input = new Float32Array(this.carry.length + channel.length);
    input.set(this.carry);
    input.set(channel, this.carry.length);
    let peak = 0;
    while (this.pos + 1 < input.length) {
      const i = Math.floor(this.pos);
      const frac = this.pos - i;
      const s = input[i] * (1 - frac) + input[i + 1] * frac;
      peak = Math.max(peak, Math.abs(s));
      this.out[this.filled++] = Math.max(-32768, Math.min(32767, Math.round(s * 32767)));
      if (this.filled === FRAME) {
        this.port.postMessage({ pcm: this.out.buffer, peak }, [this.out.buffer]);
        this.out = new Int16Array(FRAME);
        this.filled = 0;
        peak = 0;
      }
      this.pos += this.step;
    }
    const keep = Math.floor(this.pos);
    this.carry = input.slice(keep);
    this.pos -= keep;
    return true;
  }
}

registerProcessor("mic-capture", MicCapture);
