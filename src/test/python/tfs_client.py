"""A TensorFlow Serving client written the way the TF Serving tutorials write theirs.

Used by ServeProcessIT to show that a Python gRPC client, with protobuf's own Python runtime, talks to
DigitPad's server unchanged. Prints one JSON object with what the server answered.

usage: tfs_client.py HOST:PORT MODEL IMAGE_JSON
  IMAGE_JSON: a JSON list of 784 floats (one 28x28 image, row-major)
"""
import json
import sys

import grpc

from tensorflow.core.framework import tensor_pb2, tensor_shape_pb2, types_pb2
from tensorflow_serving.apis import get_model_metadata_pb2, get_model_status_pb2, predict_pb2


def unary(channel, path, request_type, response_type):
    return channel.unary_unary(path, request_serializer=request_type.SerializeToString,
                               response_deserializer=response_type.FromString)


def main(target, model, image):
    channel = grpc.insecure_channel(target)
    predict = unary(channel, '/tensorflow.serving.PredictionService/Predict',
                    predict_pb2.PredictRequest, predict_pb2.PredictResponse)
    metadata = unary(channel, '/tensorflow.serving.PredictionService/GetModelMetadata',
                     get_model_metadata_pb2.GetModelMetadataRequest, get_model_metadata_pb2.GetModelMetadataResponse)
    status = unary(channel, '/tensorflow.serving.ModelService/GetModelStatus',
                   get_model_status_pb2.GetModelStatusRequest, get_model_status_pb2.GetModelStatusResponse)

    request = predict_pb2.PredictRequest()
    request.model_spec.name = model
    request.model_spec.signature_name = 'serving_default'
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=image)
    for size in (1, 28, 28, 1):
        tensor.tensor_shape.dim.add(size=size)
    request.inputs['flatten_input'].CopyFrom(tensor)
    result = predict(request, 10.0)  # 10 seconds, as in the tutorials
    dense = result.outputs['dense']

    meta_request = get_model_metadata_pb2.GetModelMetadataRequest()
    meta_request.model_spec.name = model
    meta_request.metadata_field.append('signature_def')
    meta = metadata(meta_request, 10.0)
    signatures = get_model_metadata_pb2.SignatureDefMap()
    type_url = meta.metadata['signature_def'].type_url
    meta.metadata['signature_def'].Unpack(signatures)
    serving = signatures.signature_def['serving_default']

    status_request = get_model_status_pb2.GetModelStatusRequest()
    status_request.model_spec.name = model
    versions = status(status_request, 10.0)

    unknown = predict_pb2.PredictRequest()
    unknown.model_spec.name = 'no-such-model'
    try:
        predict(unknown, 10.0)
        error = None
    except grpc.RpcError as e:
        error = {'code': e.code().name, 'details': e.details()}

    print(json.dumps({
        'model_spec': {'name': result.model_spec.name, 'version': result.model_spec.version.value,
                       'signature_name': result.model_spec.signature_name},
        'dense': {'dtype': types_pb2.DataType.Name(dense.dtype), 'shape': [d.size for d in dense.tensor_shape.dim],
                  'values': list(dense.float_val)},
        'metadata': {'type_url': type_url, 'inputs': sorted(serving.inputs.keys()),
                     'outputs': sorted(serving.outputs.keys()), 'method_name': serving.method_name,
                     'input_shape': [d.size for d in serving.inputs['flatten_input'].tensor_shape.dim]},
        'status': [{'version': v.version, 'state': get_model_status_pb2.ModelVersionStatus.State.Name(v.state)}
                   for v in versions.model_version_status],
        'unknown_model_error': error,
    }))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
