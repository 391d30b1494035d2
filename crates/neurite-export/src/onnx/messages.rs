//! Constructors for the few ONNX messages the exporter writes: attributes, tensors, typed
//! values and nodes, so that the graph code reads as a list of operators.

use protobuf::{EnumOrUnknown, MessageField};

use super::proto::{
    AttributeProto, NodeProto, StringStringEntryProto, TensorProto, TensorShapeProto, TypeProto,
    ValueInfoProto, attribute_proto::AttributeType, tensor_proto::DataType, tensor_shape_proto,
    type_proto,
};

/// One dimension of a value's type: a size, or a name for a size fixed only at run time.
#[derive(Debug, Clone, Copy)]
pub enum Dim<'a> {
    /// A fixed size.
    Fixed(usize),
    /// A symbolic size (the batch, `N`).
    Named(&'a str),
}

/// An `INT` attribute.
pub fn int(name: &str, value: i64) -> AttributeProto {
    AttributeProto {
        name: Some(name.to_owned()),
        type_: Some(EnumOrUnknown::new(AttributeType::INT)),
        i: Some(value),
        ..AttributeProto::new()
    }
}

/// An `INTS` attribute.
pub fn ints(name: &str, values: &[usize]) -> AttributeProto {
    AttributeProto {
        name: Some(name.to_owned()),
        type_: Some(EnumOrUnknown::new(AttributeType::INTS)),
        ints: values.iter().map(|&v| v as i64).collect(),
        ..AttributeProto::new()
    }
}

/// A `FLOAT` attribute.
pub fn float(name: &str, value: f32) -> AttributeProto {
    AttributeProto {
        name: Some(name.to_owned()),
        type_: Some(EnumOrUnknown::new(AttributeType::FLOAT)),
        f: Some(value),
        ..AttributeProto::new()
    }
}

/// A node of operator `op` (of the default domain) named `name`, whose one output is also
/// called `name`.
pub fn node(op: &str, name: &str, inputs: &[&str], attributes: Vec<AttributeProto>) -> NodeProto {
    NodeProto {
        op_type: Some(op.to_owned()),
        name: Some(name.to_owned()),
        input: inputs.iter().map(|&input| input.to_owned()).collect(),
        output: vec![name.to_owned()],
        attribute: attributes,
        ..NodeProto::new()
    }
}

/// A `FLOAT` tensor held as little-endian raw bytes, as ONNX stores weights.
pub fn float_tensor(name: &str, dims: &[usize], values: &[f32], doc: &str) -> TensorProto {
    assert_eq!(
        dims.iter().product::<usize>(),
        values.len(),
        "tensor {name}: {dims:?} does not hold {} values",
        values.len()
    );
    TensorProto {
        name: Some(name.to_owned()),
        doc_string: (!doc.is_empty()).then(|| doc.to_owned()),
        data_type: Some(DataType::FLOAT as i32),
        dims: dims.iter().map(|&d| d as i64).collect(),
        raw_data: Some(values.iter().flat_map(|v| v.to_le_bytes()).collect()),
        ..TensorProto::new()
    }
}

/// A one-dimensional `INT64` tensor (a shape, for `Reshape`).
pub fn int64_vector(name: &str, values: &[i64]) -> TensorProto {
    TensorProto {
        name: Some(name.to_owned()),
        data_type: Some(DataType::INT64 as i32),
        dims: vec![values.len() as i64],
        raw_data: Some(values.iter().flat_map(|v| v.to_le_bytes()).collect()),
        ..TensorProto::new()
    }
}

/// A graph input or output: a `FLOAT` tensor of dimensions `dims`.
pub fn float_value(name: &str, dims: &[Dim<'_>], doc: &str) -> ValueInfoProto {
    let dim = |d: &Dim<'_>| {
        let mut dimension = tensor_shape_proto::Dimension::new();
        match *d {
            Dim::Fixed(size) => dimension.set_dim_value(size as i64),
            Dim::Named(name) => dimension.set_dim_param(name.to_owned()),
        }
        dimension
    };
    let tensor = type_proto::Tensor {
        elem_type: Some(DataType::FLOAT as i32),
        shape: MessageField::some(TensorShapeProto {
            dim: dims.iter().map(dim).collect(),
            ..TensorShapeProto::new()
        }),
        ..type_proto::Tensor::new()
    };
    let mut type_ = TypeProto::new();
    type_.set_tensor_type(tensor);
    ValueInfoProto {
        name: Some(name.to_owned()),
        doc_string: Some(doc.to_owned()),
        type_: MessageField::some(type_),
        ..ValueInfoProto::new()
    }
}

/// A `key: value` entry of a model's metadata.
pub fn entry(key: &str, value: &str) -> StringStringEntryProto {
    StringStringEntryProto {
        key: Some(key.to_owned()),
        value: Some(value.to_owned()),
        ..StringStringEntryProto::new()
    }
}
