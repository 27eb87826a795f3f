/**
 * The gradients of 2-D and depthwise convolutions on plain typed arrays (NHWC, any stride / padding / dilation):
 * the kernels tfjs' WASM backend lacks (Conv2DBackpropFilter, Conv2DBackpropInput,
 * DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput). Pure TS, no tfjs: the Web Worker and
 * Node register the same code (`register.ts`). Generalised from the pretraining script's filter gradient.
 *
 * Geometry shared by all four: output pixel (oy, ox) reads input row iy = oy·sH + kh·dH − padTop and column
 * ix = ox·sW + kw·dW − padLeft; positions outside the input are zero padding (skipped).
 */

export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  /** Output channels (conv2d) or the channel multiplier (depthwise: outC = inC · multiplier). */
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}

/** dW[kh,kw,ci,co] = Σ_{b,oy,ox} x[b,iy,ix,ci] · dy[b,oy,ox,co] */
export function conv2dFilterGradient(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  const { batch, inH, inW, inC, outH, outW, outC, kH, kW } = g;
  const dW = new Float32Array(kH * kW * inC * outC);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyBase = ((b * outH + oy) * outW + ox) * outC;
        for (let kh = 0; kh < kH; kh++) {
          const iy = oy * g.strideH + kh * g.dilationH - g.padTop;
          if (iy < 0 || iy >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const ix = ox * g.strideW + kw * g.dilationW - g.padLeft;
            if (ix < 0 || ix >= inW) continue;
            const xBase = ((b * inH + iy) * inW + ix) * inC;
            const wBase = (kh * kW + kw) * inC * outC;
            for (let ci = 0; ci < inC; ci++) {
              const xv = x[xBase + ci];
              if (xv === 0) continue; // post-ReLU inputs are often zero
              const w = wBase + ci * outC;
              for (let co = 0; co < outC; co++) dW[w + co] += xv * dy[dyBase + co];
            }
          }
        }
      }
    }
  }
  return dW;
}

/** dx[b,iy,ix,ci] = Σ_{oy,ox,kh,kw,co} dy[b,oy,ox,co] · W[kh,kw,ci,co] (over the (oy,ox,kh,kw) that read (iy,ix)) */
export function conv2dInputGradient(dy: Float32Array, filter: Float32Array, g: ConvGeometry): Float32Array {
  const { batch, inH, inW, inC, outH, outW, outC, kH, kW } = g;
  const dx = new Float32Array(batch * inH * inW * inC);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyBase = ((b * outH + oy) * outW + ox) * outC;
        for (let kh = 0; kh < kH; kh++) {
          const iy = oy * g.strideH + kh * g.dilationH - g.padTop;
          if (iy < 0 || iy >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const ix = ox * g.strideW + kw * g.dilationW - g.padLeft;
            if (ix < 0 || ix >= inW) continue;
            const xBase = ((b * inH + iy) * inW + ix) * inC;
            const wBase = (kh * kW + kw) * inC * outC;
            for (let ci = 0; ci < inC; ci++) {
              const w = wBase + ci * outC;
              let sum = 0;
              for (let co = 0; co < outC; co++) sum += dy[dyBase + co] * filter[w + co];
              dx[xBase + ci] += sum;
            }
          }
        }
      }
    }
  }
  return dx;
}

/** Depthwise: dW[kh,kw,c,m] = Σ_{b,oy,ox} x[b,iy,ix,c] · dy[b,oy,ox,c·M+m] (M = g.outC, the multiplier) */
export function depthwiseFilterGradient(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  const { batch, inH, inW, inC, outH, outW, kH, kW } = g;
  const mult = g.outC;
  const outChannels = inC * mult;
  const dW = new Float32Array(kH * kW * inC * mult);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyBase = ((b * outH + oy) * outW + ox) * outChannels;
        for (let kh = 0; kh < kH; kh++) {
          const iy = oy * g.strideH + kh * g.dilationH - g.padTop;
          if (iy < 0 || iy >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const ix = ox * g.strideW + kw * g.dilationW - g.padLeft;
            if (ix < 0 || ix >= inW) continue;
            const xBase = ((b * inH + iy) * inW + ix) * inC;
            const wBase = (kh * kW + kw) * inC * mult;
            if (mult === 1) {
              for (let c = 0; c < inC; c++) dW[wBase + c] += x[xBase + c] * dy[dyBase + c];
              continue;
            }
            for (let c = 0; c < inC; c++) {
              const xv = x[xBase + c];
              for (let m = 0; m < mult; m++) dW[wBase + c * mult + m] += xv * dy[dyBase + c * mult + m];
            }
          }
        }
      }
    }
  }
  return dW;
}

/** Depthwise: dx[b,iy,ix,c] = Σ dy[b,oy,ox,c·M+m] · W[kh,kw,c,m] */
export function depthwiseInputGradient(dy: Float32Array, filter: Float32Array, g: ConvGeometry): Float32Array {
  const { batch, inH, inW, inC, outH, outW, kH, kW } = g;
  const mult = g.outC;
  const outChannels = inC * mult;
  const dx = new Float32Array(batch * inH * inW * inC);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyBase = ((b * outH + oy) * outW + ox) * outChannels;
        for (let kh = 0; kh < kH; kh++) {
          const iy = oy * g.strideH + kh * g.dilationH - g.padTop;
          if (iy < 0 || iy >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const ix = ox * g.strideW + kw * g.dilationW - g.padLeft;
            if (ix < 0 || ix >= inW) continue;
            const xBase = ((b * inH + iy) * inW + ix) * inC;
            const wBase = (kh * kW + kw) * inC * mult;
            for (let c = 0; c < inC; c++) {
              let sum = 0;
              for (let m = 0; m < mult; m++) sum += dy[dyBase + c * mult + m] * filter[wBase + c * mult + m];
              dx[xBase + c] += sum;
            }
          }
        }
      }
    }
  }
  return dx;
}
