import { describe, expect, it } from 'vitest';
import { viridis } from './colormap';
import { fakeFeatureMaps, fakeImages } from './fake-data';
import { featureMapsPlot } from './feature-maps';
import { decodePng, isWhite } from './png-pixels';

/** 4×4×3 maps: channel 0 rises left to right, channel 1 is constant, channel 2 has a NaN in one corner. */
function smallMaps(): Float32Array {
  const maps = new Float32Array(4 * 4 * 3);
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 4; x++) {
      const p = (y * 4 + x) * 3;
      maps[p] = x;
      maps[p + 1] = 0.7;
      maps[p + 2] = y;
    }
  }
  maps[2] = Number.NaN;
  return maps;
}

describe('featureMapsPlot', () => {
  const plot = featureMapsPlot({ layerName: 'conv2d_1', maps: smallMaps(), height: 4, width: 4, channels: 3 });
  const px = decodePng(plot.png);

  it('draws a titled white figure with one labelled tile per filter', () => {
    expect(px.width).toBeGreaterThanOrEqual(640);
    expect(px.width).toBeLessThanOrEqual(900);
    expect(isWhite(px.at(2, px.height - 2))).toBe(true);
    expect(plot.svg).toContain('Feature maps of layer conv2d_1');
    for (const label of ['Filter 0', 'Filter 1', 'Filter 2']) expect(plot.svg).toContain(`>${label}</text>`);
    expect(plot.data.layout.tiles).toHaveLength(3);
  });

  it('scales each map to its own range on the viridis colormap', () => {
    const tile = plot.data.layout.tiles[0]!;
    // Column 0 holds the lowest value, column 3 the highest (each source pixel is 22 px wide).
    expect(px.at(tile.x + 5, tile.y + 40)).toEqual(viridis(0));
    expect(px.at(tile.x + tile.width - 5, tile.y + 40)).toEqual(viridis(1));
    expect(px.at(tile.x + 30, tile.y + 40)).toEqual(viridis(1 / 3));
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
  });

  it('draws a constant map flat without dividing by zero', () => {
    const tile = plot.data.layout.tiles[1]!;
    expect(px.count(tile, (c) => c.join() !== viridis(0).join())).toBe(0);
    expect(plot.data.maps[1]).toEqual({
      channel: 1,
      min: expect.closeTo(0.7, 5),
      max: expect.closeTo(0.7, 5),
      mean: expect.closeTo(0.7, 5),
      constant: true,
      nonFinite: 0,
    });
  });

  it('draws NaN activations grey and keeps them out of the statistics', () => {
    const tile = plot.data.layout.tiles[2]!;
    expect(px.at(tile.x + 5, tile.y + 5)).toEqual([190, 190, 190]);
    expect(plot.data.maps[2]).toMatchObject({ min: 0, max: 3, nonFinite: 1, constant: false });
    expect(JSON.parse(JSON.stringify(plot.data))).toEqual(plot.data);
  });

  it('returns the layer shape and per-filter statistics', () => {
    expect(plot.data).toMatchObject({ layerName: 'conv2d_1', height: 4, width: 4, channels: 3, shown: 3 });
    expect(plot.data.maps[0]).toEqual({ channel: 0, min: 0, max: 3, mean: 1.5, constant: false, nonFinite: 0 });
  });

  it('shows the input image beside the title when given', () => {
    const image = fakeImages([3]);
    const withImage = featureMapsPlot({ layerName: 'conv2d', maps: fakeFeatureMaps(32, 32, 32), height: 32, width: 32, channels: 32, image });
    const box = withImage.data.layout.input!;
    const p = decodePng(withImage.png);
    // 72 px for 32 source pixels: source pixel (16, 16) covers output pixels 36–38.
    const s = (16 * 32 + 16) * 3;
    expect(p.at(box.x + 37, box.y + 37)).toEqual([image[s], image[s + 1], image[s + 2]]);
    expect(withImage.data.layout.tiles).toHaveLength(32);
    expect(withImage.data.layout.tiles[8]!.x).toBe(withImage.data.layout.tiles[0]!.x);
  });

  it('shows at most 64 filters and says how many there are', () => {
    const many = featureMapsPlot({ layerName: 'wide', maps: fakeFeatureMaps(2, 2, 100), height: 2, width: 2, channels: 100 });
    expect(many.data.shown).toBe(64);
    expect(many.svg).toContain('100 filters');
    expect(many.svg).toContain('showing the first 64');
  });

  it('refuses maps whose size does not match the shape, naming the argument', () => {
    const base = { layerName: 'x', height: 4, width: 4, channels: 3 };
    expect(() => featureMapsPlot({ ...base, maps: new Float32Array(47) })).toThrow(
      expect.objectContaining({ argument: 'maps', message: expect.stringContaining('4×4×3 = 48') }),
    );
    expect(() => featureMapsPlot({ ...base, maps: [1, 2] as unknown as Float32Array })).toThrow(expect.objectContaining({ argument: 'maps' }));
    expect(() => featureMapsPlot({ ...base, channels: 0, maps: new Float32Array(0) })).toThrow(expect.objectContaining({ argument: 'channels' }));
    expect(() => featureMapsPlot({ ...base, maps: smallMaps(), image: new Uint8Array(10) })).toThrow(expect.objectContaining({ argument: 'image' }));
  });
});
