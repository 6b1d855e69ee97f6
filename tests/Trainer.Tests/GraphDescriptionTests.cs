using System.Text.Json;
using ModelCompiler.Trainer.Models;

namespace ModelCompiler.Trainer.Tests;

/// <summary>Model descriptions as graphs: layers naming their inputs, read, written back and refused with clear errors.</summary>
public sealed class GraphDescriptionTests
{
    internal const string Residual = """
        { "name": "residual", "input": [12, 12, 1], "layers": [
          { "type": "conv2d", "name": "stem", "filters": 8, "kernel": 3, "stride": 2, "padding": "same", "batch_norm": true, "activation": "relu6" },
          { "type": "depthwise_conv2d", "name": "dw", "kernel": 3, "padding": "same", "batch_norm": true, "activation": "relu6" },
          { "type": "conv2d", "name": "project", "filters": 8, "kernel": 1, "batch_norm": true },
          { "type": "add", "name": "sum", "inputs": ["stem", "project"], "activation": "relu6" },
          { "type": "globalavgpool" },
          { "type": "dense", "units": 3 } ] }
        """;

    [Fact]
    public void A_graph_description_resolves_named_inputs_and_shapes()
    {
        var model = ModelDescription.FromJson(Residual, "residual.json");
        var inputs = DescriptionGraph.Inputs(model.Layers, "residual.json");
        Assert.Equal([[0], [1], [2], [1, 3], [4], [5]], inputs);
        Assert.False(DescriptionGraph.IsChain(inputs));
        var shapes = ShapeWalk.Shapes(model);
        Assert.Equal(Format.TensorShape.Image(6, 6, 8), shapes[2]);
        Assert.Equal(Format.TensorShape.Image(6, 6, 8), shapes[4]);
        Assert.Equal(Format.TensorShape.Vector(3), shapes[^1]);
        Assert.True(model.Layers[0].BatchNorm);
        Assert.Equal(["gap1", "dense1"], model.Layers[4..].Select(l => l.Name));
    }

    [Fact]
    public void A_graph_description_round_trips_through_json()
    {
        foreach (var model in new[] { ModelDescription.FromJson(Residual, "residual.json"), BuiltInModels.IntelMobileNet(0.5), BuiltInModels.FashionMobileNet() })
        {
            string json = JsonSerializer.Serialize(model);
            var read = ModelDescription.FromJson(json, "round trip");
            Assert.Equal(json, JsonSerializer.Serialize(read));
            Assert.Equal(model.Layers.Select(l => l.Inputs is null ? "" : string.Join(",", l.Inputs)), read.Layers.Select(l => l.Inputs is null ? "" : string.Join(",", l.Inputs)));
            Assert.Equal(model.Layers.Select(l => (l.Kind, l.BatchNorm, l.Activation)), read.Layers.Select(l => (l.Kind, l.BatchNorm, l.Activation)));
        }

        // A chain writes no "inputs" and no "batch_norm", so sequential descriptions read as before.
        string chain = JsonSerializer.Serialize(BuiltInModels.FashionCnn);
        Assert.DoesNotContain("\"inputs\"", chain);
        Assert.DoesNotContain("\"batch_norm\"", chain);
    }

    [Theory]
    [InlineData("\"inputs\": [\"stem\", \"project\"]", "\"inputs\": [\"stem\", \"nowhere\"]", "layer 'sum' reads 'nowhere', which is neither 'input' nor the name of a layer")]
    [InlineData("\"inputs\": [\"stem\", \"project\"]", "\"inputs\": [\"stem\", \"gap1\"]", "layer 'sum' reads 'gap1', which comes after it")]
    [InlineData("\"inputs\": [\"stem\", \"project\"]", "\"inputs\": [\"stem\"]", "add layer 'sum' reads 2 tensors but \"inputs\" names 1")]
    [InlineData(", \"inputs\": [\"stem\", \"project\"]", "", "add layer 'sum' reads 2 tensors and must name them in \"inputs\"")]
    [InlineData("\"name\": \"dw\",", "\"name\": \"dw\", \"inputs\": [\"stem\", \"input\"],", "depthwise_conv2d layer 'dw' reads 1 tensor but \"inputs\" names 2")]
    [InlineData("\"inputs\": [\"stem\", \"project\"]", "\"inputs\": [\"input\", \"project\"]", "add layer 'sum' adds 'input' [12x12x1] and 'project' [6x6x8], which differ in shape")]
    [InlineData("{ \"type\": \"dense\", \"units\": 3 }", "{ \"type\": \"dense\", \"units\": 3, \"batch_norm\": true }", "layer 'dense1': \"batch_norm\" follows only conv2d and depthwise_conv2d layers")]
    [InlineData("\"name\": \"stem\"", "\"name\": \"input\"", "a layer may not be named 'input'")]
    [InlineData("\"name\": \"project\"", "\"name\": \"dw\"", "two layers are named 'dw'")]
    [InlineData("\"name\": \"dw\",", "\"name\": \"dw\", \"filters\": 4,", "depthwise conv layer 'dw' has as many channels as its input; leave out 'filters'")]
    [InlineData("\"inputs\": [\"stem\", \"project\"]", "\"inputs\": \"stem\"", "residual.json: ")]
    public void A_malformed_graph_description_is_an_error_that_names_the_layer(string replaced, string replacement, string message)
    {
        string json = Residual.Replace(replaced, replacement);
        Assert.NotEqual(Residual, json);
        var error = Assert.Throws<ModelDescriptionException>(() => ModelDescription.FromJson(json, "residual.json"));
        Assert.StartsWith("residual.json: ", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Width_scales_the_mobilenet_channels_and_other_models_refuse_it()
    {
        var narrow = BuiltInModels.Resolve("intel-mobilenet", 0.5);
        var full = BuiltInModels.Resolve("intel-mobilenet");
        Assert.Equal(8, narrow.Layers[0].Filters);
        Assert.Equal(16, full.Layers[0].Filters);
        Assert.Equal(6, full.Outputs);
        // Residual additions only where the block keeps the shape: stride 1 and as many channels out as in.
        Assert.Equal(["b1_add", "b3_add", "b5_add", "b7_add"], full.Layers.Where(l => l.Kind == LayerKind.Add).Select(l => l.Name));
        var error = Assert.Throws<ModelDescriptionException>(() => BuiltInModels.Resolve("intel-cnn", 0.5));
        Assert.Contains("--width applies to intel-mobilenet and fashion-mobilenet only", error.Message);
    }
}
