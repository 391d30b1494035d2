//! Model files: one `.safetensors` file holding the weights and the architecture.
//!
//! Tensors are named `{layer}.{param}` (`dense_1.kernel`, `dense_1.bias`, …) in Keras's layout
//! (a dense kernel is `[inputs, units]`), as little-endian `f32`. The header's `__metadata__`
//! holds `format` (`neurite`), `format_version` (`1`), `model_spec`, the [`ModelSpec`] as
//! JSON, `pixels` (`scaled` or `raw`), how the model's inputs are made from `u8` pixels
//! (files without it are read as `scaled`), and `dataset` (`mnist` or `fashion-mnist`), the
//! images it was trained on, whose class names its outputs have (files without it are read as
//! `mnist`). A checkpoint ([`crate::checkpoint`]) adds where
//! training stood and the optimizer's state. `docs/model-format.md` shows how to read a file
//! with NumPy and move it to Keras or PyTorch.
//!
//! Loading trusts nothing: the header size is bounded before it is read, the specification is
//! validated, and every tensor must exist, be `f32`, have the shape the specification implies
//! and hold only finite numbers; tensors the specification does not name are refused. All of
//! it is checked before the model is built, so what a file makes the engine allocate is
//! bounded by the file's own length.

use std::collections::HashMap;
use std::path::Path;

use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};

use crate::checkpoint::{self, TrainingState, TrainingView};
use crate::{DatasetKind, Error, ModelFileReason, ModelSpec, PixelMode, Result, Sequential};

/// The `format_version` this engine writes and reads.
pub const FORMAT_VERSION: &str = "1";
/// The metadata key naming the dataset the model was trained on.
pub const DATASET_KEY: &str = "dataset";
/// The largest header accepted (the JSON before the tensor data), in bytes.
pub const MAX_HEADER_BYTES: u64 = 1 << 20;

/// The longest a model file can be: the length field, the longest header, and
/// [`crate::spec::MAX_PARAMS`] `f32`s (the weights of the largest model, or a checkpoint's
/// weights and optimizer state together). A reader can refuse a longer file before reading it.
pub const MAX_FILE_BYTES: u64 = 8 + MAX_HEADER_BYTES + 4 * crate::spec::MAX_PARAMS;

/// A model file as read: the model, and where training stood if the file is a checkpoint.
#[derive(Debug)]
pub struct ModelFile {
    /// The model, with its pixel mode.
    pub model: Sequential<f32>,
    /// The run's state, if the file holds one.
    pub training: Option<TrainingState>,
}

fn bad(reason: ModelFileReason) -> Error {
    Error::ModelFile(reason)
}

/// The `pixels` metadata value of a mode.
fn pixels_name(pixels: PixelMode) -> &'static str {
    match pixels {
        PixelMode::Scaled => "scaled",
        PixelMode::Raw => "raw",
    }
}

fn le_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The model as the bytes of a `.safetensors` file.
pub fn to_bytes(model: &Sequential<f32>) -> Vec<u8> {
    write(model, None)
}

/// The model, and the run's state if `training` is given, as a file's bytes.
pub(crate) fn write(model: &Sequential<f32>, training: Option<&TrainingView<'_>>) -> Vec<u8> {
    let params = model.named_params();
    let mut buffers: Vec<(String, Vec<usize>, Vec<u8>)> = params
        .iter()
        .map(|(name, p)| (name.clone(), p.shape.clone(), le_bytes(p.value)))
        .collect();
    let mut metadata = HashMap::from([
        ("format".to_owned(), "neurite".to_owned()),
        ("format_version".to_owned(), FORMAT_VERSION.to_owned()),
        ("model_spec".to_owned(), model.spec().to_json()),
        ("pixels".to_owned(), pixels_name(model.pixels()).to_owned()),
        (DATASET_KEY.to_owned(), model.dataset().name().to_owned()),
    ]);
    if let Some(view) = training {
        metadata.insert(
            checkpoint::TRAINING_KEY.to_owned(),
            checkpoint::metadata(view),
        );
        let state = view.optimizer.state();
        let state_values = state.iter().flatten().map(Vec::len).sum();
        if state.len() == params.len() && checkpoint::state_fits(model.param_count(), state_values)
        {
            let slots = view.optimizer.slots();
            for ((name, p), tensor) in params.iter().zip(state) {
                for (&slot, values) in slots.iter().zip(tensor) {
                    buffers.push((
                        checkpoint::slot_tensor_name(name, slot),
                        p.shape.clone(),
                        le_bytes(values),
                    ));
                }
            }
        }
    }
    let views = buffers.iter().map(|(name, shape, bytes)| {
        let view = TensorView::new(Dtype::F32, shape.clone(), bytes).expect("shape matches data");
        (name.as_str(), view)
    });
    let file = safetensors::serialize(views, Some(metadata)).expect("a model always serialises");
    with_sorted_header(file)
}

/// `safetensors::serialize` writes the `__metadata__` entries in a `HashMap`'s order, which
/// differs from one map to the next, so the same model saved twice gave different bytes. The
/// header is read back as a `serde_json::Value`, whose objects keep their keys sorted, and
/// written again (the same entries, so the same length), padded with spaces to a multiple of 8
/// bytes as safetensors pads it; the data that follows is untouched (its offsets count from the
/// end of the header).
fn with_sorted_header(file: Vec<u8>) -> Vec<u8> {
    const LEN: usize = size_of::<u64>();
    let header_len = u64::from_le_bytes(file[..LEN].try_into().expect("8 bytes")) as usize;
    let (header, data) = file[LEN..].split_at(header_len);
    let header: serde_json::Value =
        serde_json::from_slice(header).expect("safetensors writes a JSON object");
    let mut header = serde_json::to_vec(&header).expect("JSON values serialise");
    header.resize(header.len().next_multiple_of(LEN), b' ');
    let mut sorted_file = Vec::with_capacity(LEN + header.len() + data.len());
    sorted_file.extend_from_slice(&(header.len() as u64).to_le_bytes());
    sorted_file.extend_from_slice(&header);
    sorted_file.extend_from_slice(data);
    sorted_file
}

/// Reads a model from the bytes of a `.safetensors` file (a checkpoint's training state is
/// checked, then set aside).
pub fn from_bytes(bytes: &[u8]) -> Result<Sequential<f32>> {
    read(bytes).map(|file| file.model)
}

/// Checks the length field and the header's size before anything is parsed.
fn check_lengths(bytes: &[u8]) -> Result<()> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(bad(ModelFileReason::TooLarge {
            bytes: bytes.len() as u64,
            max: MAX_FILE_BYTES,
        }));
    }
    let Some(header_len) = bytes
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
    else {
        return Err(bad(ModelFileReason::TooShort { bytes: bytes.len() }));
    };
    if header_len > MAX_HEADER_BYTES {
        return Err(bad(ModelFileReason::HeaderTooLarge {
            claimed: header_len,
            max: MAX_HEADER_BYTES,
        }));
    }
    if 8 + header_len > bytes.len() as u64 {
        return Err(bad(ModelFileReason::HeaderTruncated {
            claimed: header_len,
            available: bytes.len() - 8,
        }));
    }
    Ok(())
}

/// The specification of a file's metadata, validated.
fn read_spec(info: &HashMap<String, String>) -> Result<ModelSpec> {
    let spec_json = info.get("model_spec").ok_or(bad(ModelFileReason::NoSpec))?;
    let spec: ModelSpec = serde_json::from_str(spec_json).map_err(|e| {
        bad(ModelFileReason::SpecUnreadable {
            detail: e.to_string(),
        })
    })?;
    spec.validate().map_err(|e| {
        bad(match e {
            Error::InvalidConfig { field, reason } => {
                ModelFileReason::SpecInvalid { field, reason }
            }
            other => ModelFileReason::SpecUnreadable {
                detail: other.to_string(),
            },
        })
    })?;
    Ok(spec)
}

/// The values of tensor `name`, which must be `f32` of `shape` and finite.
fn read_tensor(tensors: &SafeTensors<'_>, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
    let tensor = tensors.tensor(name).map_err(|_| {
        bad(ModelFileReason::MissingTensor {
            name: name.to_owned(),
        })
    })?;
    if tensor.dtype() != Dtype::F32 {
        return Err(bad(ModelFileReason::WrongDtype {
            name: name.to_owned(),
            dtype: format!("{:?}", tensor.dtype()),
        }));
    }
    if tensor.shape() != shape {
        return Err(bad(ModelFileReason::WrongShape {
            name: name.to_owned(),
            got: tensor.shape().to_vec(),
            expected: shape.to_vec(),
        }));
    }
    let values: Vec<f32> = tensor
        .data()
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    if let Some(index) = values.iter().position(|v| !v.is_finite()) {
        return Err(bad(ModelFileReason::NonFinite {
            name: name.to_owned(),
            value: values[index].to_string(),
            index,
        }));
    }
    Ok(values)
}

/// Reads a model file, or a checkpoint, from its bytes.
pub fn read(bytes: &[u8]) -> Result<ModelFile> {
    check_lengths(bytes)?;
    let not_safetensors = |e: safetensors::SafeTensorError| {
        bad(ModelFileReason::NotSafetensors {
            detail: e.to_string(),
        })
    };
    let (_, metadata) = SafeTensors::read_metadata(bytes).map_err(not_safetensors)?;
    let tensors = SafeTensors::deserialize(bytes).map_err(not_safetensors)?;
    let info = metadata
        .metadata()
        .as_ref()
        .ok_or(bad(ModelFileReason::NoMetadata))?;
    match info.get("format_version").map(String::as_str) {
        Some(FORMAT_VERSION) => {}
        Some(other) => {
            return Err(bad(ModelFileReason::UnsupportedVersion {
                got: other.to_owned(),
                supported: FORMAT_VERSION.to_owned(),
            }));
        }
        None => return Err(bad(ModelFileReason::NoFormatVersion)),
    }
    let spec = read_spec(info)?;
    // Files without the key predate it, when models were trained on scaled pixels by default.
    let pixels = match info.get("pixels").map(String::as_str) {
        None | Some("scaled") => PixelMode::Scaled,
        Some("raw") => PixelMode::Raw,
        Some(other) => {
            return Err(bad(ModelFileReason::UnknownPixels {
                got: other.to_owned(),
            }));
        }
    };
    // Files without the key predate Fashion-MNIST, when every model learnt MNIST.
    let dataset = match info.get(DATASET_KEY) {
        None => DatasetKind::Mnist,
        Some(name) => DatasetKind::from_name(name).ok_or_else(|| {
            bad(ModelFileReason::UnknownDataset {
                got: name.to_owned(),
            })
        })?,
    };
    let training = info
        .get(checkpoint::TRAINING_KEY)
        .map(|json| checkpoint::read_metadata(json, &spec, pixels, dataset))
        .transpose()?;
    let params = spec.param_shapes();
    let state_shapes = training
        .as_ref()
        .map(|(config, ..)| checkpoint::state_shapes(config, &params))
        .unwrap_or_default();
    for name in tensors.names() {
        let named = |shapes: &[(String, Vec<usize>)]| shapes.iter().any(|(n, _)| n == name);
        if !named(&params) && !named(&state_shapes) {
            return Err(bad(ModelFileReason::UnexpectedTensor {
                name: name.to_owned(),
            }));
        }
    }
    // A checkpoint holds the whole state or none of it (see the module docs of checkpoint).
    let has_state = state_shapes
        .iter()
        .any(|(name, _)| tensors.tensor(name).is_ok());
    let count = |shapes: &[(String, Vec<usize>)]| -> u64 {
        shapes
            .iter()
            .map(|(_, s)| s.iter().map(|&d| d as u64).product::<u64>())
            .sum()
    };
    let values_in_file = count(&params) + if has_state { count(&state_shapes) } else { 0 };
    if values_in_file > crate::spec::MAX_PARAMS {
        return Err(bad(ModelFileReason::TooManyValues {
            values: values_in_file,
            max: crate::spec::MAX_PARAMS,
        }));
    }
    let mut values = Vec::with_capacity(params.len());
    for (name, shape) in &params {
        values.push(read_tensor(&tensors, name, shape)?);
    }
    let mut state_values = Vec::new();
    if has_state {
        for (name, shape) in &state_shapes {
            state_values.push(read_tensor(&tensors, name, shape)?);
        }
    }
    let mut model =
        Sequential::<f32>::from_spec(&spec, 0).expect("a validated specification builds");
    model.set_pixels(pixels);
    model.set_dataset(dataset);
    for ((name, _), tensor_values) in params.iter().zip(values) {
        let stored = model.set_param(name, &tensor_values);
        debug_assert!(stored, "expected parameter {name} exists");
    }
    let training = training.map(|(config, position, optimizer_steps)| {
        let per = if params.is_empty() {
            0
        } else {
            state_values.len() / params.len()
        };
        let mut slots = state_values.into_iter();
        let optimizer_state = if per == 0 {
            Vec::new()
        } else {
            params
                .iter()
                .map(|_| slots.by_ref().take(per).collect())
                .collect()
        };
        TrainingState {
            config,
            position,
            optimizer_steps,
            optimizer_state,
        }
    });
    Ok(ModelFile { model, training })
}

/// Writes the model to `path`.
pub fn save(model: &Sequential<f32>, path: &Path) -> Result<()> {
    std::fs::write(path, to_bytes(model)).map_err(|e| Error::io(path.display(), &e))
}

/// Reads a model from `path`.
pub fn load(path: &Path) -> Result<Sequential<f32>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path.display(), &e))?;
    from_bytes(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Activation;
    use crate::spec::LayerSpec;
    use ndarray::Array2;
    use proptest::prelude::*;

    fn small_spec() -> ModelSpec {
        ModelSpec {
            input_shape: vec![2, 3],
            layers: vec![
                LayerSpec::Flatten,
                LayerSpec::Dense {
                    units: 4,
                    activation: Activation::Tanh,
                    init: Default::default(),
                },
                LayerSpec::Dropout { rate: 0.1 },
                LayerSpec::Dense {
                    units: 3,
                    activation: Activation::Softmax,
                    init: Default::default(),
                },
            ],
        }
    }

    /// A file written by hand: `tensors` as (name, dtype, shape, bytes), `metadata` as pairs.
    fn craft(tensors: &[(&str, Dtype, Vec<usize>, Vec<u8>)], metadata: &[(&str, &str)]) -> Vec<u8> {
        let views = tensors.iter().map(|(name, dtype, shape, bytes)| {
            (
                *name,
                TensorView::new(*dtype, shape.clone(), bytes).unwrap(),
            )
        });
        let meta = metadata
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        safetensors::serialize(views, Some(meta)).unwrap()
    }

    fn f32_bytes(values: &[f32]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    fn tiny_spec_json() -> String {
        r#"{"input_shape":[2],"layers":[{"type":"dense","units":1}]}"#.to_owned()
    }

    #[test]
    fn every_bad_file_gets_its_typed_error() {
        let spec = tiny_spec_json();
        let meta = [("format_version", "1"), ("model_spec", spec.as_str())];
        let kernel = || {
            (
                "dense_1.kernel",
                Dtype::F32,
                vec![2, 1],
                f32_bytes(&[0.5, -0.5]),
            )
        };
        let bias = || ("dense_1.bias", Dtype::F32, vec![1], f32_bytes(&[0.0]));
        let mut oversized = (u64::MAX / 2).to_le_bytes().to_vec();
        oversized.extend_from_slice(b"{}");
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (vec![1, 2, 3], "too short"),
            (oversized, "more than the 1048576-byte limit"),
            (
                100u64.to_le_bytes().iter().chain(b"{}").copied().collect(),
                "holds only 2",
            ),
            (
                8u64.to_le_bytes()
                    .iter()
                    .chain(b"nonsense")
                    .copied()
                    .collect(),
                "not a safetensors file",
            ),
            (
                craft(&[kernel(), bias()], &[("model_spec", &spec)]),
                "no format_version",
            ),
            (
                craft(
                    &[kernel(), bias()],
                    &[("format_version", "9"), ("model_spec", &spec)],
                ),
                "format version 9",
            ),
            (
                craft(&[kernel(), bias()], &[("format_version", "1")]),
                "no model_spec",
            ),
            (
                craft(
                    &[kernel(), bias()],
                    &[
                        ("format_version", "1"),
                        (
                            "model_spec",
                            r#"{"input_shape":[2],"layers":[{"type":"conv3d"}]}"#,
                        ),
                    ],
                ),
                "unknown variant `conv3d`",
            ),
            (
                craft(
                    &[kernel(), bias()],
                    &[
                        ("format_version", "1"),
                        (
                            "model_spec",
                            r#"{"input_shape":[2],"layers":[{"type":"dense","units":0}]}"#,
                        ),
                    ],
                ),
                "layers[0].units",
            ),
            (craft(&[kernel()], &meta), "missing tensor dense_1.bias"),
            (
                craft(
                    &[
                        kernel(),
                        bias(),
                        ("dense_9.kernel", Dtype::F32, vec![1], f32_bytes(&[1.0])),
                    ],
                    &meta,
                ),
                "unexpected tensor dense_9.kernel",
            ),
            (
                craft(
                    &[
                        (
                            "dense_1.kernel",
                            Dtype::F32,
                            vec![1, 2],
                            f32_bytes(&[0.5, -0.5]),
                        ),
                        bias(),
                    ],
                    &meta,
                ),
                "has shape [1, 2] but the specification needs [2, 1]",
            ),
            (
                craft(
                    &[
                        ("dense_1.kernel", Dtype::F64, vec![2, 1], vec![0; 16]),
                        bias(),
                    ],
                    &meta,
                ),
                "is F64, expected F32",
            ),
            (
                craft(
                    &[
                        (
                            "dense_1.kernel",
                            Dtype::F32,
                            vec![2, 1],
                            f32_bytes(&[0.5, f32::NAN]),
                        ),
                        bias(),
                    ],
                    &meta,
                ),
                "non-finite value (NaN) at index 1",
            ),
        ];
        for (bytes, expected) in cases {
            match from_bytes(&bytes) {
                Err(Error::ModelFile(reason)) => {
                    let message = reason.to_string();
                    assert!(
                        message.contains(expected),
                        "expected {expected:?} in {message:?}"
                    )
                }
                other => {
                    panic!("expected a model-file error containing {expected:?}, got {other:?}")
                }
            }
        }
        // The same tensors with good metadata load.
        let model = from_bytes(&craft(&[kernel(), bias()], &meta)).unwrap();
        assert_eq!(model.param_count(), 3);
    }

    #[test]
    fn the_pixel_mode_survives_a_file_and_files_without_it_read_as_scaled() {
        let mut model = Sequential::<f32>::from_spec(&small_spec(), 3).unwrap();
        model.set_pixels(PixelMode::Raw);
        assert_eq!(
            from_bytes(&to_bytes(&model)).unwrap().pixels(),
            PixelMode::Raw
        );

        let spec = small_spec().to_json();
        let tensors: Vec<_> = model
            .named_params()
            .into_iter()
            .map(|(name, p)| {
                let bytes: Vec<u8> = p.value.iter().flat_map(|v| v.to_le_bytes()).collect();
                (name, Dtype::F32, p.shape.clone(), bytes)
            })
            .collect();
        let tensors: Vec<_> = tensors
            .iter()
            .map(|(n, d, s, b)| (n.as_str(), *d, s.clone(), b.clone()))
            .collect();
        let older = craft(&tensors, &[("format_version", "1"), ("model_spec", &spec)]);
        assert_eq!(from_bytes(&older).unwrap().pixels(), PixelMode::Scaled);
        let odd = craft(
            &tensors,
            &[
                ("format_version", "1"),
                ("model_spec", &spec),
                ("pixels", "gray"),
            ],
        );
        let err = from_bytes(&odd).unwrap_err().to_string();
        assert!(err.contains("pixels"), "{err}");
    }

    #[test]
    fn the_dataset_survives_a_file_and_files_without_it_read_as_mnist() {
        let mut model = Sequential::<f32>::from_spec(&small_spec(), 3).unwrap();
        assert_eq!(
            from_bytes(&to_bytes(&model)).unwrap().dataset(),
            DatasetKind::Mnist
        );
        model.set_dataset(DatasetKind::FashionMnist);
        let bytes = to_bytes(&model);
        let (_, metadata) = SafeTensors::read_metadata(&bytes).unwrap();
        assert_eq!(
            metadata.metadata().as_ref().unwrap()[DATASET_KEY],
            "fashion-mnist"
        );
        assert_eq!(
            from_bytes(&bytes).unwrap().dataset(),
            DatasetKind::FashionMnist
        );

        let spec = small_spec().to_json();
        let named = model.named_params();
        let tensors: Vec<_> = named
            .iter()
            .map(|(name, p)| {
                (
                    name.as_str(),
                    Dtype::F32,
                    p.shape.clone(),
                    f32_bytes(p.value),
                )
            })
            .collect();
        let older = craft(&tensors, &[("format_version", "1"), ("model_spec", &spec)]);
        assert_eq!(from_bytes(&older).unwrap().dataset(), DatasetKind::Mnist);
        let odd = craft(
            &tensors,
            &[
                ("format_version", "1"),
                ("model_spec", &spec),
                ("dataset", "cifar-10"),
            ],
        );
        assert_eq!(
            from_bytes(&odd).unwrap_err(),
            Error::ModelFile(ModelFileReason::UnknownDataset {
                got: "cifar-10".into()
            })
        );
    }

    #[test]
    fn metadata_holds_the_spec_and_the_version() {
        let model = Sequential::<f32>::from_spec(&small_spec(), 3).unwrap();
        let bytes = to_bytes(&model);
        let (_, metadata) = SafeTensors::read_metadata(&bytes).unwrap();
        let info = metadata.metadata().as_ref().unwrap();
        assert_eq!(info["format_version"], "1");
        assert_eq!(info["pixels"], "scaled");
        assert_eq!(info["dataset"], "mnist");
        assert_eq!(
            ModelSpec::from_json(&info["model_spec"]).unwrap(),
            small_spec()
        );
        let names = SafeTensors::deserialize(&bytes)
            .unwrap()
            .names()
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            [
                "dense_1.bias",
                "dense_1.kernel",
                "dense_2.bias",
                "dense_2.kernel"
            ]
        );
    }

    #[test]
    fn the_same_model_gives_the_same_bytes_every_time() {
        // Each `HashMap` hashes with its own random keys: before the header was sorted, two
        // saves of one model differed in the order of their metadata.
        let model = Sequential::<f32>::from_spec(&small_spec(), 3).unwrap();
        let first = to_bytes(&model);
        for _ in 0..8 {
            assert_eq!(to_bytes(&model), first);
        }
        let header_len = u64::from_le_bytes(first[..8].try_into().unwrap()) as usize;
        assert_eq!(header_len % 8, 0);
        let header = std::str::from_utf8(&first[8..8 + header_len]).unwrap();
        let keys = [
            "\"dataset\"",
            "\"format\"",
            "\"format_version\"",
            "\"model_spec\"",
            "\"pixels\"",
        ];
        let at: Vec<usize> = keys.iter().map(|key| header.find(key).unwrap()).collect();
        assert!(at.is_sorted(), "{header}");
        assert_eq!(from_bytes(&first).unwrap().spec(), model.spec());
    }

    #[test]
    fn a_convolutional_model_round_trips_with_kerass_tensor_names_and_shapes() {
        let spec = ModelSpec::keras_convnet();
        let mut model = Sequential::<f32>::from_spec(&spec, 5).unwrap();
        let bytes = to_bytes(&model);
        let tensors = SafeTensors::deserialize(&bytes).unwrap();
        assert_eq!(
            tensors.tensor("conv2d_1.kernel").unwrap().shape(),
            [3, 3, 1, 32]
        );
        assert_eq!(
            tensors.tensor("conv2d_2.kernel").unwrap().shape(),
            [3, 3, 32, 64]
        );
        assert_eq!(tensors.tensor("conv2d_2.bias").unwrap().shape(), [64]);
        assert_eq!(
            tensors.tensor("dense_1.kernel").unwrap().shape(),
            [1600, 10]
        );
        let mut loaded = from_bytes(&bytes).unwrap();
        assert_eq!(loaded.spec(), &spec);
        let x = Array2::from_shape_fn((4, 784), |(i, j)| ((i * 784 + j) % 7) as f32 / 7.0);
        let (a, b) = (model.predict(x.view()), loaded.predict(x.view()));
        let bits = |p: &Array2<f32>| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b));
        // A kernel of another shape with the same number of values is refused, by name.
        let swapped = craft(
            &[(
                "conv2d_1.kernel",
                Dtype::F32,
                vec![1, 3, 3, 32],
                f32_bytes(&[0.0; 288]),
            )],
            &[("format_version", "1"), ("model_spec", &spec.to_json())],
        );
        let err = from_bytes(&swapped).unwrap_err().to_string();
        assert!(
            err.contains("conv2d_1.kernel") && err.contains("[3, 3, 1, 32]"),
            "{err}"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn save_then_load_gives_bit_identical_weights_and_predictions(
            seed in any::<u64>(),
            hidden in 1usize..20,
            inputs in prop::collection::vec(0.0f32..1.0, 6 * 3),
        ) {
            let mut spec = small_spec();
            spec.layers[1] = LayerSpec::Dense { units: hidden, activation: Activation::Relu, init: Default::default() };
            let mut model = Sequential::<f32>::from_spec(&spec, seed).unwrap();
            let mut loaded = from_bytes(&to_bytes(&model)).unwrap();
            for ((a_name, a), (b_name, b)) in model.named_params().iter().zip(loaded.named_params().iter()) {
                prop_assert_eq!(a_name, b_name);
                let a_bits: Vec<u32> = a.value.iter().map(|v| v.to_bits()).collect();
                let b_bits: Vec<u32> = b.value.iter().map(|v| v.to_bits()).collect();
                prop_assert_eq!(a_bits, b_bits);
            }
            let x = Array2::from_shape_vec((3, 6), inputs).unwrap();
            prop_assert_eq!(model.predict(x.view()), loaded.predict(x.view()));
        }
    }
}
