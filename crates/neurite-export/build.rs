//! Generates the ONNX message types from the vendored `proto/onnx.proto` with protobuf-codegen's
//! pure-Rust parser (no `protoc` needed), into `$OUT_DIR/onnx_proto/`.

fn main() {
    protobuf_codegen::Codegen::new()
        .pure()
        .include("proto")
        .input("proto/onnx.proto")
        .cargo_out_dir("onnx_proto")
        .run_from_script();
}
