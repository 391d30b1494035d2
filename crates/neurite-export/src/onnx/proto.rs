//! The ONNX message types (`ModelProto`, `GraphProto`, `NodeProto`, `TensorProto`…), generated
//! at build time by `protobuf-codegen` from the vendored `proto/onnx.proto` (ONNX 1.23.2).
//! Decode an exported model with `<ModelProto as protobuf::Message>::parse_from_bytes`.

#[allow(missing_docs)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/onnx_proto/mod.rs"));
}

pub use generated::onnx::*;
