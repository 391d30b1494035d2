//! A drawing's feature maps: what each convolution and pooling layer of the model made of the
//! last sample it ran, channel by channel, for the page to draw beside the prediction.

use neurite::{LayerSpec, Sequential};

use crate::protocol::FeatureMapLayer;

/// Appends one map, channel after channel, each scaled to its largest magnitude; returns the
/// scales. `value(cell, channel)` reads it.
fn push_channels(
    payload: &mut Vec<u8>,
    [height, width, channels]: [usize; 3],
    value: impl Fn(usize, usize) -> f32,
) -> Vec<f32> {
    let cells = height * width;
    (0..channels)
        .map(|c| {
            let scale = (0..cells).fold(0f32, |m, cell| m.max(value(cell, c).abs()));
            let scale = if scale.is_finite() { scale } else { 0.0 };
            payload.extend((0..cells).map(|cell| {
                let v = value(cell, c);
                let q = if scale > 0.0 {
                    (v / scale * 127.0).round()
                } else {
                    0.0
                };
                // A NaN becomes 0 (`as` saturates and maps NaN to 0).
                (q.clamp(-127.0, 127.0) as i8) as u8
            }));
            scale
        })
        .collect()
}

/// The feature maps of the last forward pass's first sample, which was the `[h, w]` image
/// `pixels`: the drawing itself, then each convolution's and pooling layer's output, as its
/// `[height, width, channels]` and, in the payload, channel after channel, `height × width`
/// signed bytes scaled to that channel's largest magnitude (`round(127·x / scale)`, `scale`
/// sent per channel). Empty for a model without such layers.
pub fn feature_maps(model: &Sequential<f32>, pixels: &[u8]) -> (Vec<FeatureMapLayer>, Vec<u8>) {
    let (mut layers, mut payload) = (Vec::new(), Vec::new());
    let Ok(shapes) = model.spec().layer_shapes() else {
        return (layers, payload);
    };
    let input = neurite::layers::window::Image::from_shape(&model.spec().input_shape);
    let Some(input) = input.filter(|i| i.channels == 1 && i.cells() == pixels.len()) else {
        return (layers, payload);
    };
    if !model
        .spec()
        .layers
        .iter()
        .any(|l| matches!(l, LayerSpec::Conv2d { .. }))
    {
        return (layers, payload);
    }
    let shape = [input.height, input.width, 1];
    let scales = push_channels(&mut payload, shape, |cell, _| f32::from(pixels[cell]));
    layers.push(FeatureMapLayer {
        name: "input".into(),
        index: None,
        shape,
        scales,
    });
    let names = model.spec().layer_names();
    for (index, ((spec, shape), name)) in model
        .spec()
        .layers
        .iter()
        .zip(&shapes)
        .zip(names)
        .enumerate()
    {
        let is_map = matches!(
            spec,
            LayerSpec::Conv2d { .. }
                | LayerSpec::MaxPooling2d { .. }
                | LayerSpec::AveragePooling2d { .. }
        );
        let &[height, width, channels] = shape.output.as_slice() else {
            continue;
        };
        if !is_map {
            continue;
        }
        let output = model.layer_output(index);
        let Some(sample) = output.rows().into_iter().next() else {
            continue;
        };
        let shape = [height, width, channels];
        let scales = push_channels(&mut payload, shape, |cell, c| sample[cell * channels + c]);
        layers.push(FeatureMapLayer {
            name,
            index: Some(index),
            shape,
            scales,
        });
    }
    (layers, payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use neurite::ModelSpec;

    #[test]
    fn every_map_layer_is_sent_channel_by_channel_scaled_to_its_largest_value() {
        let mut model = Sequential::<f32>::from_spec(&ModelSpec::keras_convnet(), 3).unwrap();
        let pixels: Vec<u8> = (0..784).map(|j| ((j * 37) % 11 * 25) as u8).collect();
        let input = Array2::from_shape_fn((1, 784), |(_, j)| f32::from(pixels[j]) / 255.0);
        model.predict(input.view());
        let (mut layers, payload) = feature_maps(&model, &pixels);
        let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "input",
                "conv2d_1",
                "max_pooling2d_1",
                "conv2d_2",
                "max_pooling2d_2"
            ]
        );
        assert_eq!(layers[0].shape, [28, 28, 1]);
        assert_eq!(layers[0].scales, [250.0]);
        assert_eq!(
            payload[1] as i8,
            (f32::from(pixels[1]) / 250.0 * 127.0).round() as i8
        );
        let total: usize = layers
            .iter()
            .map(|l| l.shape.iter().product::<usize>())
            .sum();
        assert_eq!(payload.len(), total);
        let payload = &payload[784..];
        layers.remove(0);
        assert_eq!(layers[0].shape, [26, 26, 32]);
        assert_eq!(layers[0].index, Some(0));
        assert_eq!(layers[3].shape, [5, 5, 64]);
        // Every cell of conv2d_1, against its value over its channel's scale; at least one
        // channel lit, and each lit channel's largest magnitude sent as ±127.
        let output = model.layer_output(0);
        let scales = &layers[0].scales;
        assert!(scales.iter().any(|&s| s > 0.0), "{scales:?}");
        for c in 0..32 {
            let sent: Vec<i8> = payload[c * 676..(c + 1) * 676]
                .iter()
                .map(|&b| b as i8)
                .collect();
            for cell in 0..676 {
                let value = output[[0, cell * 32 + c]];
                let expected = if scales[c] > 0.0 {
                    (value / scales[c] * 127.0).round() as i8
                } else {
                    0
                };
                assert_eq!(sent[cell], expected, "channel {c}, cell {cell}");
            }
            if scales[c] > 0.0 {
                assert!(sent.iter().any(|&v| v.abs() == 127), "channel {c}");
            }
        }
    }

    #[test]
    fn a_dense_model_has_no_maps() {
        let mut model = Sequential::<f32>::from_spec(&ModelSpec::seed_mlp(), 3).unwrap();
        model.predict(Array2::zeros((1, 784)).view());
        assert_eq!(feature_maps(&model, &[0; 784]), (vec![], vec![]));
    }
}
