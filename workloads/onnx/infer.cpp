// ONNX's own shape rule for one node (the operator schema's inference function in libonnx), run
// on the shapes accsim's rules gave the node's inputs: a second opinion on every output shape.
//
// libonnx's inference functions trust their inputs: convPoolShapeInference divides by a stride
// without checking it (a zero stride is SIGFPE), reads as many input dimensions as the kernel
// has, and steps through an input dimension one stride at a time. Run over a whole model
// (onnx::shape_inference::InferShapes), they see whatever shapes the file declares and whatever
// they infer themselves. Here a node's rule runs only after accsim's mapper has checked what it
// reads of the node (strides, kernel, pads, its input's rank and sizes), and sees only the
// shapes accsim computed and the model's constants.
#include "workloads/onnx/importer.hpp"

#include <onnx/shape_inference/implementation.h>
#include <unordered_map>

namespace accsim::onnx_import {

std::vector<std::int64_t> tensor_dims(const Value& v) {
    std::vector<std::int64_t> d = v.dims;
    if (v.padded && d.size() == 3) { // the zeros a Pad adds (top, left, bottom, right)
        d[1] += v.pads[0] + v.pads[2];
        d[2] += v.pads[1] + v.pads[3];
    }
    return d;
}

std::optional<std::vector<std::int64_t>> Importer::onnx_inferred(int index) const {
    if (node->op_type() == "Constant") return std::nullopt;
    const onnx::OpSchema* schema = schema_of(*node);
    if (!schema || !schema->has_type_and_shape_inference_function()) return std::nullopt;

    // The type of every input accsim knows: an activation as accsim's rules shaped it (batch 1),
    // a constant with its data (a Reshape's shape, a Pad's pads, a Resize's scales).
    std::vector<onnx::TypeProto> types(std::size_t(node->input_size()));
    std::unordered_map<std::string, onnx::TypeProto*> by_name;
    std::unordered_map<std::string, const onnx::TensorProto*> data;
    for (int k = 0; k < node->input_size(); ++k) {
        const std::string& name = node->input(k);
        if (name.empty() || by_name.count(name)) continue;
        auto* t = types[std::size_t(k)].mutable_tensor_type();
        auto* shape = t->mutable_shape();
        const onnx::TensorProto* tensor = nullptr;
        if (const auto v = values.find(name); v != values.end()) {
            t->set_elem_type(onnx::TensorProto::FLOAT);
            shape->add_dim()->set_dim_value(1);
            for (auto d : tensor_dims(v->second)) shape->add_dim()->set_dim_value(d);
        } else if (const auto i = initializers.find(name); i != initializers.end()) {
            tensor = i->second;
        } else if (const auto c = constant_tensors.find(name); c != constant_tensors.end()) {
            tensor = c->second;
        } else if (const auto q = constants.find(name); q != constants.end()) {
            t->set_elem_type(onnx::TensorProto::FLOAT); // a QONNX quantizer's output
            for (auto d : q->second.dims) shape->add_dim()->set_dim_value(d);
        } else {
            continue;
        }
        if (tensor) {
            t->set_elem_type(tensor->data_type());
            for (auto d : tensor->dims()) shape->add_dim()->set_dim_value(d);
            data[name] = tensor;
        }
        by_name[name] = &types[std::size_t(k)];
    }
    onnx::NodeProto copy = *node; // the context takes a mutable node
    const std::unordered_map<std::string, const onnx::SparseTensorProto*> sparse;
    onnx::shape_inference::InferenceContextImpl ctx(copy, by_name, data, sparse);
    try {
        schema->GetTypeAndShapeInferenceFunction()(ctx);
    } catch (const std::exception&) {
        return std::nullopt; // what libonnx cannot infer is not checked
    }
    if (std::size_t(index) >= ctx.getNumOutputs()) return std::nullopt;
    const onnx::TypeProto* out = ctx.getOutputType(std::size_t(index));
    if (!out->has_tensor_type() || !out->tensor_type().has_shape()) return std::nullopt;
    std::vector<std::int64_t> dims;
    for (const auto& d : out->tensor_type().shape().dim())
        dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
    if (dims.empty()) return std::nullopt;
    dims.erase(dims.begin()); // the batch
    return dims;
}

} // namespace accsim::onnx_import
