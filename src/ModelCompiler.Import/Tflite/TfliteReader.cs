using ModelCompiler.Import.Tflite.Schema;

namespace ModelCompiler.Import.Tflite;

/// <summary>
/// Reads a TFLite flatbuffer (schema version 3) into a <see cref="SourceModel"/> in NHWC layout. A file whose
/// structure is broken throws <see cref="ModelImportException"/> with the one structural problem; what the file says
/// but the importer cannot represent (custom quantization, sparsity, several subgraphs, external buffers, a buffer of
/// the wrong size) is added to the <see cref="ImportProblems"/> and the rest is still read, so every problem is
/// reported at once.
/// </summary>
public static class TfliteReader
{
    /// <summary>The file identifier at bytes 4-7 of every TFLite model.</summary>
    public const string FileIdentifier = "TFL3";

    /// <summary>Whether <paramref name="data"/> starts like a TFLite model (identifier <c>TFL3</c> at byte 4).</summary>
    public static bool LooksLikeTflite(ReadOnlySpan<byte> data) =>
        data.Length >= 8 && data[4] == (byte)'T' && data[5] == (byte)'F' && data[6] == (byte)'L' && data[7] == (byte)'3';

    /// <summary>Reads <paramref name="data"/>; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="ModelImportException">The flatbuffer is truncated or corrupt.</exception>
    public static SourceModel Read(byte[] data, string sourceName, ImportProblems problems)
    {
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            return new Reading(new FlatBufferReader(data), problems).Model();
        }
        catch (FlatBufferFormatException e)
        {
            throw new ModelImportException(sourceName, [new ImportProblem("file", e.Path, $"not a valid TFLite flatbuffer: {e.Detail}")]);
        }
    }

    private sealed class Reading(FlatBufferReader reader, ImportProblems problems)
    {
        private readonly List<string> _notes = [];
        private FlatVector? _buffers;
        private FlatTable _model;

        public SourceModel Model()
        {
            _model = reader.Root(FileIdentifier, "model");
            uint version = _model.UInt32(ModelField.Version, "version");
            if (version != 3)
            {
                problems.Add("model", "version", $"schema version {version}; only version 3 (every converter since 2018) is read");
            }

            string description = _model.String(ModelField.Description, "description") ?? "";
            _buffers = _model.Vector(ModelField.Buffers, "buffers", 4);
            var operatorCodes = ReadOperatorCodes();

            var subgraphs = _model.Vector(ModelField.Subgraphs, "subgraphs", 4);
            if (subgraphs is not { Count: > 0 } sg)
            {
                throw new FlatBufferFormatException("model.subgraphs", "the model has no subgraph");
            }

            if (sg.Count > 1)
            {
                problems.Add("model", "subgraphs", $"{sg.Count} subgraphs (control flow or several signatures); only single-graph models are imported");
            }

            var graph = _model.TableElement(sg, 0, "subgraphs");
            var tensors = ReadTensors(graph);
            var inputs = TensorList(graph, SubGraphField.Inputs, "inputs", tensors.Count);
            var outputs = TensorList(graph, SubGraphField.Outputs, "outputs", tensors.Count);
            CheckDynamicShapes(graph, tensors, inputs);
            var operators = ReadOperators(graph, operatorCodes, tensors);
            return new SourceModel
            {
                Format = SourceFormat.Tflite,
                Layout = TensorLayout.Nhwc,
                Producer = $"TFLite schema {version}{(description.Length > 0 ? $", {description}" : "")}",
                Tensors = tensors,
                Operators = operators,
                Inputs = inputs,
                Outputs = outputs,
                Notes = _notes,
            };
        }

        private List<string> ReadOperatorCodes()
        {
            var codes = new List<string>();
            if (_model.Vector(ModelField.OperatorCodes, "operator_codes", 4) is not { } vector)
            {
                return codes;
            }

            for (int i = 0; i < vector.Count; i++)
            {
                var code = _model.TableElement(vector, i, "operator_codes");
                // TFLite's GetBuiltinCode: the larger of the old byte field and the new int field (files written
                // before the int field existed only have the byte; newer ones write both, or 127 in the byte).
                int builtin = Math.Max(code.Int8(OperatorCodeField.DeprecatedBuiltinCode, "deprecated_builtin_code"),
                    code.Int32(OperatorCodeField.BuiltinCode, "builtin_code"));
                string name = builtin == (int)BuiltinOperator.CUSTOM
                    ? $"CUSTOM:{code.String(OperatorCodeField.CustomCode, "custom_code")}"
                    : Enum.IsDefined(typeof(BuiltinOperator), builtin) ? ((BuiltinOperator)builtin).ToString() : $"BUILTIN_{builtin}";
                codes.Add(name);
            }

            return codes;
        }

        private List<SourceTensor> ReadTensors(FlatTable graph)
        {
            var tensors = new List<SourceTensor>();
            if (graph.Vector(SubGraphField.Tensors, "tensors", 4) is not { } vector)
            {
                return tensors;
            }

            for (int i = 0; i < vector.Count; i++)
            {
                var table = graph.TableElement(vector, i, "tensors");
                string name = table.String(TensorField.Name, "name") ?? "";
                string location = $"tensor {i} '{name}'";
                var type = ElementTypeOf(table.Int8(TensorField.Type, "type"));
                int[] shape = table.Int32Vector(TensorField.Shape, "shape") ?? [];
                if (shape.Any(d => d < 0))
                {
                    problems.Add(location, "shape", $"negative dimension in [{string.Join(",", shape)}]");
                    shape = Array.ConvertAll(shape, d => Math.Max(d, 0));
                }

                var tensor = new SourceTensor
                {
                    Index = i,
                    Name = name,
                    Type = type,
                    Shape = shape,
                    Quantization = ReadQuantization(table, location, shape),
                    Data = ReadData(table, location, type, shape),
                };
                if (table.Bool(TensorField.IsVariable, "is_variable"))
                {
                    problems.Add(location, "is_variable", "variable (stateful) tensors are not supported");
                }

                if (table.Has(TensorField.Sparsity))
                {
                    problems.Add(location, "sparsity", "sparse tensors are not supported");
                }

                if (table.UInt32(TensorField.ExternalBuffer, "external_buffer") != 0)
                {
                    problems.Add(location, "external_buffer", "data in an external file is not supported");
                }

                tensors.Add(tensor);
            }

            return tensors;
        }

        private TensorQuantization? ReadQuantization(FlatTable tensor, string location, int[] shape)
        {
            if (tensor.Table(TensorField.Quantization, "quantization") is not { } q)
            {
                return null;
            }

            if (q.UInt8(QuantizationField.DetailsType, "details_type") != (byte)QuantizationDetails.NONE)
            {
                problems.Add(location, "quantization.details", "custom quantization is not supported");
            }

            float[] scales = q.Float32Vector(QuantizationField.Scale, "scale") ?? [];
            if (scales.Length == 0)
            {
                return null; // min/max only, or nothing: not a quantized tensor
            }

            long[] zeroPoints = q.Int64Vector(QuantizationField.ZeroPoint, "zero_point") ?? [];
            if (zeroPoints.Length != scales.Length)
            {
                problems.Add(location, "quantization.zero_point", $"{zeroPoints.Length} zero points for {scales.Length} scales");
                zeroPoints = new long[scales.Length];
            }

            int? axis = null;
            if (scales.Length > 1)
            {
                int dimension = q.Int32(QuantizationField.QuantizedDimension, "quantized_dimension");
                if (dimension < 0 || dimension >= shape.Length || shape[dimension] != scales.Length)
                {
                    problems.Add(location, "quantization.quantized_dimension",
                        $"{scales.Length} scales on dimension {dimension} of a tensor of shape [{string.Join(",", shape)}]");
                }

                axis = dimension;
            }

            return new TensorQuantization(scales, zeroPoints, axis);
        }

        private byte[]? ReadData(FlatTable tensor, string location, ElementType type, int[] shape)
        {
            uint index = tensor.UInt32(TensorField.Buffer, "buffer");
            if (index == 0)
            {
                return null; // buffer 0 is the schema's empty sentinel
            }

            if (_buffers is not { } buffers || index >= buffers.Count)
            {
                throw new FlatBufferFormatException($"{tensor.Path}.buffer", $"buffer {index} does not exist ({_buffers?.Count ?? 0} buffers)");
            }

            var buffer = _model.TableElement(buffers, (int)index, "buffers");
            if (buffer.UInt64(BufferField.Offset, "offset") > 1)
            {
                problems.Add(location, "buffer", $"buffer {index} holds its data outside the flatbuffer (a model over 2 GB); not supported");
                return null;
            }

            byte[]? data = buffer.ByteVector(BufferField.Data, "data");
            if (data is null || data.Length == 0)
            {
                return null;
            }

            long elements = shape.Aggregate(1L, (n, d) => n * d);
            int size = ElementTypes.SizeOf(type);
            if (size > 0 && data.Length != elements * size)
            {
                problems.Add(location, "buffer", $"buffer {index} has {data.Length} bytes; shape [{string.Join(",", shape)}] of {type} needs {elements * size}");
            }

            return data;
        }

        private int[] TensorList(FlatTable table, int id, string name, int tensorCount)
        {
            int[] indices = table.Int32Vector(id, name) ?? [];
            foreach (int index in indices)
            {
                if (index < 0 || index >= tensorCount)
                {
                    throw new FlatBufferFormatException($"{table.Path}.{name}", $"tensor index {index} is outside the {tensorCount} tensors");
                }
            }

            return indices;
        }

        private void CheckDynamicShapes(FlatTable graph, List<SourceTensor> tensors, int[] inputs)
        {
            // shape_signature holds -1 where a dimension is dynamic (shape then holds 1). A dynamic batch (dimension
            // 0) is read as the file's shape; any other dynamic dimension is a problem, reported at the graph inputs
            // that have one, or else at the first tensor that has one (the rest follow from it).
            if (graph.Vector(SubGraphField.Tensors, "tensors", 4) is not { } vector)
            {
                return;
            }

            var dynamicTensors = new List<(int Index, int[] Signature)>();
            bool dynamicBatch = false;
            for (int i = 0; i < tensors.Count; i++)
            {
                int[]? signature = graph.TableElement(vector, i, "tensors").Int32Vector(TensorField.ShapeSignature, "shape_signature");
                if (signature is null)
                {
                    continue;
                }

                dynamicBatch |= signature.Length > 0 && signature[0] < 0;
                if (signature.Skip(1).Any(d => d < 0))
                {
                    dynamicTensors.Add((i, signature));
                }
            }

            var reported = dynamicTensors.Where(t => inputs.Contains(t.Index)).ToList();
            if (reported.Count == 0 && dynamicTensors.Count > 0)
            {
                reported.Add(dynamicTensors[0]);
            }

            foreach (var (index, signature) in reported)
            {
                problems.Add($"tensor {index} '{tensors[index].Name}'", "shape_signature",
                    $"dynamic dimension in [{string.Join(",", signature)}]; only the batch dimension may be dynamic");
            }

            if (dynamicBatch)
            {
                _notes.Add("dynamic batch dimension (shape_signature -1) read as the file's shape (batch 1)");
            }
        }

        private List<SourceOperator> ReadOperators(FlatTable graph, List<string> codes, List<SourceTensor> tensors)
        {
            var operators = new List<SourceOperator>();
            if (graph.Vector(SubGraphField.Operators, "operators", 4) is not { } vector)
            {
                return operators;
            }

            for (int i = 0; i < vector.Count; i++)
            {
                var table = graph.TableElement(vector, i, "operators");
                uint opcode = table.UInt32(OperatorField.OpcodeIndex, "opcode_index");
                if (opcode >= codes.Count)
                {
                    throw new FlatBufferFormatException($"{table.Path}.opcode_index", $"operator code {opcode} does not exist ({codes.Count} codes)");
                }

                int[] inputs = table.Int32Vector(OperatorField.Inputs, "inputs") ?? [];
                int[] outputs = table.Int32Vector(OperatorField.Outputs, "outputs") ?? [];
                foreach (int index in inputs.Concat(outputs))
                {
                    if (index < -1 || index >= tensors.Count)
                    {
                        throw new FlatBufferFormatException($"{table.Path}.inputs", $"tensor index {index} is outside the {tensors.Count} tensors");
                    }
                }

                string type = codes[(int)opcode];
                string name = outputs.Length > 0 && outputs[0] >= 0 ? tensors[outputs[0]].Name : "";
                string location = name.Length == 0 ? $"operator {i} ({type})" : $"operator {i} ({type} '{name}')";
                var options = TfliteOptionsReader.Read(table, type, inputs, tensors, location, problems);
                operators.Add(new SourceOperator { Index = i, Name = name, Type = type, Inputs = inputs, Outputs = outputs, Options = options });
            }

            return operators;
        }

        private static ElementType ElementTypeOf(sbyte type) => (TensorType)type switch
        {
            TensorType.FLOAT32 => ElementType.Float32,
            TensorType.FLOAT16 => ElementType.Float16,
            TensorType.BFLOAT16 => ElementType.BFloat16,
            TensorType.FLOAT64 => ElementType.Float64,
            TensorType.INT8 => ElementType.Int8,
            TensorType.UINT8 => ElementType.UInt8,
            TensorType.INT16 => ElementType.Int16,
            TensorType.UINT16 => ElementType.UInt16,
            TensorType.INT32 => ElementType.Int32,
            TensorType.UINT32 => ElementType.UInt32,
            TensorType.INT64 => ElementType.Int64,
            TensorType.UINT64 => ElementType.UInt64,
            TensorType.BOOL => ElementType.Bool,
            TensorType.STRING => ElementType.String,
            _ => ElementType.Other,
        };
    }
}
