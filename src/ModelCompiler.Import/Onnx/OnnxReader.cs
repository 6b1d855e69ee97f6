using Google.Protobuf;
using ModelCompiler.Onnx.Schema;

namespace ModelCompiler.Import.Onnx;

/// <summary>
/// Reads an ONNX model into a <see cref="SourceModel"/> in NCHW layout. Bytes that are not an ONNX protobuf throw
/// <see cref="ModelImportException"/> with the one structural problem; what the file says but the importer cannot
/// represent (an unknown attribute, external data, a dynamic dimension, a node input nothing defines) is added to the
/// <see cref="ImportProblems"/> and reading goes on, so every problem is reported at once.
/// </summary>
/// <remarks>
/// <c>Constant</c> nodes and <c>Identity</c> nodes of constants become constant tensors (noted in
/// <see cref="SourceModel.Notes"/>), since they only carry data. The quantization of QDQ graphs is attached to the
/// tensors it describes: the output of each QuantizeLinear and the input of each DequantizeLinear get that node's
/// constant scales, zero points and axis. Shapes the file does not state are inferred (<see cref="OnnxShapeInference"/>).
/// </remarks>
public static class OnnxReader
{
    /// <summary>The default-domain opsets whose operator definitions the importer follows.</summary>
    public const int MinOpset = 9, MaxOpset = 22;

    /// <summary>Reads <paramref name="data"/>; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="ModelImportException">The bytes are not an ONNX model (not protobuf, or no graph).</exception>
    public static SourceModel Read(byte[] data, string sourceName, ImportProblems problems)
    {
        ArgumentNullException.ThrowIfNull(data);
        ModelProto model;
        try
        {
            // Google.Protobuf checks every length against the bytes that remain before it allocates, and limits
            // nesting to 100 levels, so corrupt input fails fast.
            model = ModelProto.Parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelImportException(sourceName, [new ImportProblem("file", null, $"not a valid ONNX protobuf: {e.Message}")]);
        }

        if (model.Graph is null || (model.Graph.Node.Count == 0 && model.Graph.Input.Count == 0))
        {
            throw new ModelImportException(sourceName, [new ImportProblem("file", "graph", "not an ONNX model: no graph")]);
        }

        return new Reading(model, problems).Model();
    }

    private sealed class Reading(ModelProto model, ImportProblems problems)
    {
        private readonly List<SourceTensor> _tensors = [];
        private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
        private readonly List<SourceOperator> _operators = [];
        private readonly List<string> _notes = [];
        private int _opset;

        public SourceModel Model()
        {
            var graph = model.Graph;
            _opset = Opset();
            if (graph.SparseInitializer.Count > 0)
            {
                problems.Add("graph", "sparse_initializer", $"{graph.SparseInitializer.Count} sparse initializers are not supported");
            }

            foreach (var initializer in graph.Initializer)
            {
                AddConstant(initializer.Name, initializer, $"initializer '{initializer.Name}'");
            }

            var inputs = ReadInputs(graph);
            int folded = 0;
            for (int i = 0; i < graph.Node.Count; i++)
            {
                folded += ReadNode(graph.Node[i], i) ? 1 : 0;
            }

            if (folded > 0)
            {
                _notes.Add($"{folded} Constant and Identity-of-constant nodes folded into constant tensors");
            }

            var outputs = new List<int>();
            foreach (var output in graph.Output)
            {
                if (_byName.TryGetValue(output.Name, out int index))
                {
                    outputs.Add(index);
                }
                else
                {
                    problems.Add($"graph output '{output.Name}'", null, "no node, initializer or input defines it");
                }
            }

            AttachQuantization();
            return new SourceModel
            {
                Format = SourceFormat.Onnx,
                Layout = TensorLayout.Nchw,
                Producer = $"{model.ProducerName} {model.ProducerVersion}, ONNX IR {model.IrVersion}, opset {_opset}".Trim(),
                Tensors = _tensors,
                Operators = _operators,
                Inputs = inputs,
                Outputs = outputs,
                Notes = _notes,
                Metadata = model.MetadataProps.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value),
            };
        }

        private int Opset()
        {
            var opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
            if (opset is null)
            {
                problems.Add("model", "opset_import", "no opset for the default domain");
                return MaxOpset;
            }

            if (opset.Version < MinOpset || opset.Version > MaxOpset)
            {
                problems.Add("model", "opset_import", $"opset {opset.Version}; opsets {MinOpset} to {MaxOpset} are supported");
            }

            return (int)Math.Clamp(opset.Version, MinOpset, MaxOpset);
        }

        private List<int> ReadInputs(GraphProto graph)
        {
            var inputs = new List<int>();
            bool batchNoted = false;
            foreach (var input in graph.Input)
            {
                if (_byName.ContainsKey(input.Name))
                {
                    continue; // IR version 3 lists initializers among the inputs too
                }

                string location = $"graph input '{input.Name}'";
                var tensorType = input.Type?.TensorType;
                if (tensorType is null)
                {
                    problems.Add(location, "type", "not a tensor (sequence, map, optional or sparse inputs are not supported)");
                    inputs.Add(Add(input.Name, ElementType.Other, null, null));
                    continue;
                }

                int[]? shape = null;
                if (tensorType.Shape is null)
                {
                    problems.Add(location, "shape", "no shape: the importer needs the input's dimensions");
                }
                else
                {
                    shape = new int[tensorType.Shape.Dim.Count];
                    for (int i = 0; i < shape.Length; i++)
                    {
                        var dim = tensorType.Shape.Dim[i];
                        bool known = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dim.DimValue > 0;
                        if (known && dim.DimValue <= OnnxTensorDecoder.MaxElements)
                        {
                            shape[i] = (int)dim.DimValue;
                        }
                        else if (i == 0 && !known)
                        {
                            shape[i] = 1;
                            batchNoted = true;
                        }
                        else
                        {
                            string what = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? $"'{dim.DimParam}'" : dim.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
                            problems.Add(location, "shape", $"dynamic or invalid dimension {i} ({what}); only the batch dimension may be dynamic");
                            shape[i] = 1;
                        }
                    }
                }

                inputs.Add(Add(input.Name, OnnxTensorDecoder.ElementTypeOf(tensorType.ElemType), shape, null));
            }

            if (batchNoted)
            {
                _notes.Add("dynamic batch dimension of the graph input read as 1");
            }

            return inputs;
        }

        /// <summary>Reads node <paramref name="position"/>; true if it was folded into a constant.</summary>
        private bool ReadNode(NodeProto node, int position)
        {
            string type = node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}:{node.OpType}";
            if (type == "Constant" && node.Output.Count == 1)
            {
                FoldConstant(node, $"node {position} (Constant '{node.Name}')");
                return true;
            }

            // Named as SourceOperator.Describe() will name it, so reader and validator problems read alike.
            string location = node.Name.Length == 0 ? $"operator {_operators.Count} ({type})" : $"operator {_operators.Count} ({type} '{node.Name}')";

            var inputs = new List<int>();
            foreach (string name in node.Input)
            {
                if (name.Length == 0)
                {
                    inputs.Add(-1); // an omitted optional input
                }
                else if (_byName.TryGetValue(name, out int index))
                {
                    inputs.Add(index);
                }
                else
                {
                    problems.Add(location, null, $"input '{name}' is not defined by an initializer, a graph input or an earlier node");
                    inputs.Add(-1);
                }
            }

            var inputTensors = inputs.Select(i => i >= 0 ? _tensors[i] : null).ToList();
            if (type == "Identity" && inputTensors is [{ IsConstant: true } constant] && node.Output.Count == 1)
            {
                Add(node.Output[0], constant.Type, constant.Shape?.ToArray(), constant.Data);
                return true;
            }

            var options = OperatorOptions.None;
            if (OnnxOptionsReader.Known.Contains(type))
            {
                options = OnnxOptionsReader.Read(new OnnxAttributes(node, location, problems), type, _opset, inputTensors, location, problems);
            }

            var shape = OnnxShapeInference.Shape(type, options, inputTensors);
            var elementType = OnnxShapeInference.Type(type, inputTensors);
            var outputs = node.Output.Select((name, i) => name.Length == 0 ? -1 : Add(name, elementType, i == 0 ? shape : null, null, location)).ToList();
            _operators.Add(new SourceOperator
            {
                Index = _operators.Count,
                Name = node.Name,
                Type = type,
                Inputs = inputs,
                Outputs = outputs,
                Options = options,
            });
            return false;
        }

        private void FoldConstant(NodeProto node, string location)
        {
            var attributes = new OnnxAttributes(node, location, problems);
            string output = node.Output[0];
            if (attributes.Tensor("value") is { } value)
            {
                AddConstant(output, value, location);
            }
            else if (attributes.Has("value_float"))
            {
                AddScalar(output, ElementType.Float32, BitConverter.GetBytes(attributes.Float("value_float", 0)), []);
            }
            else if (attributes.Floats("value_floats") is { } floats)
            {
                AddScalar(output, ElementType.Float32, floats.SelectMany(BitConverter.GetBytes).ToArray(), [floats.Length]);
            }
            else if (attributes.Has("value_int"))
            {
                AddScalar(output, ElementType.Int64, BitConverter.GetBytes(attributes.Int("value_int", 0)), []);
            }
            else if (attributes.Ints("value_ints") is { } ints)
            {
                AddScalar(output, ElementType.Int64, ints.SelectMany(BitConverter.GetBytes).ToArray(), [ints.Length]);
            }
            else
            {
                Add(output, ElementType.Other, null, null, location);
                problems.Add(location, null, "a Constant without a value, value_float(s) or value_int(s) attribute is not supported");
            }

            attributes.ReportUnread();
        }

        private void AddScalar(string name, ElementType type, byte[] data, int[] shape) => Add(name, type, shape, data);

        private void AddConstant(string name, TensorProto tensor, string location)
        {
            var shape = OnnxTensorDecoder.Shape(tensor, location, problems);
            var data = shape is null ? null : OnnxTensorDecoder.Data(tensor, shape, location, problems);
            // A constant whose data could not be read is still a constant: keep it with no bytes, so that what uses
            // it is not also reported as reading a run-time value.
            Add(name, OnnxTensorDecoder.ElementTypeOf(tensor.DataType), shape, data ?? [], location);
        }

        private int Add(string name, ElementType type, int[]? shape, byte[]? data, string? location = null)
        {
            if (_byName.ContainsKey(name))
            {
                problems.Add(location ?? $"value '{name}'", null, $"'{name}' is defined twice (ONNX graphs assign each name once)");
            }

            int index = _tensors.Count;
            _tensors.Add(new SourceTensor { Index = index, Name = name, Type = type, Shape = shape, Data = data });
            _byName[name] = index;
            return index;
        }

        /// <summary>Gives each QuantizeLinear output and DequantizeLinear input the node's constant quantization.</summary>
        private void AttachQuantization()
        {
            foreach (var op in _operators.Where(o => o.Type is "QuantizeLinear" or "DequantizeLinear"))
            {
                int target = op.Type == "QuantizeLinear" ? (op.Outputs.Count > 0 ? op.Outputs[0] : -1) : (op.Inputs.Count > 0 ? op.Inputs[0] : -1);
                if (target < 0 || op.Inputs.Count < 2 || op.Inputs[1] < 0)
                {
                    continue;
                }

                var scale = _tensors[op.Inputs[1]];
                var zeroPoint = op.Inputs.Count > 2 && op.Inputs[2] >= 0 ? _tensors[op.Inputs[2]] : null;
                if (scale is not { IsConstant: true, Type: ElementType.Float32 } || scale.Data!.Length == 0
                    || (zeroPoint is not null && (!zeroPoint.IsConstant || zeroPoint.Data!.Length == 0)))
                {
                    continue; // the validator reports scales and zero points that are not constants
                }

                float[] scales = scale.ReadFloat32();
                long[] zeroPoints = zeroPoint is null ? new long[scales.Length] : ReadZeroPoints(zeroPoint);
                var tensor = _tensors[target];
                int? axis = null;
                if (scales.Length > 1 && op.Options is QuantizeLinearOptions q)
                {
                    int rank = tensor.Shape?.Count ?? 0;
                    axis = q.Axis < 0 ? q.Axis + rank : q.Axis;
                }

                var quantization = new TensorQuantization(scales, zeroPoints, axis);
                if (tensor.Quantization is { } existing && !Same(existing, quantization))
                {
                    problems.Add(op, null, $"tensor '{tensor.Name}' is quantized differently by two nodes ({existing} and {quantization})");
                    continue;
                }

                tensor.Quantization = quantization;
            }
        }

        private static long[] ReadZeroPoints(SourceTensor zeroPoint) =>
            zeroPoint.Type is ElementType.Int8 or ElementType.UInt8 or ElementType.Int32 ? zeroPoint.ReadIntegers() : [0];

        private static bool Same(TensorQuantization a, TensorQuantization b) =>
            a.Axis == b.Axis && a.Scales.SequenceEqual(b.Scales) && a.ZeroPoints.SequenceEqual(b.ZeroPoints);
    }
}
