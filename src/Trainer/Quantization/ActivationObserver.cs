using ModelCompiler.Format;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Quantization;

/// <summary>What an <see cref="ActivationObserver"/> does with the tensors passing through it.</summary>
public enum ObserverMode
{
    /// <summary>Pass through untouched (float training and evaluation).</summary>
    Off,
    /// <summary>Post-training calibration: record the range, pass through untouched.</summary>
    Calibrate,
    /// <summary>Quantization-aware: in training mode update a moving-average range, then fake-quantize.</summary>
    FakeQuantize,
}

/// <summary>
/// Observes one activation tensor and fake-quantizes it per tensor (asymmetric int8). The range lives in registered
/// buffers so it is saved and restored with the model (plain fields would reset and a reloaded model would score 10%).
/// </summary>
public sealed class ActivationObserver : nn.Module<Tensor, Tensor>
{
    /// <summary>Weight of a new batch in the moving average (TF's QAT uses 0.001 per step with more steps; one epoch needs more).</summary>
    public const float Momentum = 0.01f;

    private readonly Tensor _min;
    private readonly Tensor _max;
    private readonly Tensor _ready;
    private readonly List<(float Low, float High)> _percentileSamples = [];

    public ActivationObserver(string name) : base(name)
    {
        _min = zeros(1);
        _max = zeros(1);
        _ready = zeros(1);
        register_buffer("min", _min);
        register_buffer("max", _max);
        register_buffer("ready", _ready);
    }

    public ObserverMode Mode { get; set; }

    /// <summary>When set during calibration, the range is the mean over batches of these percentiles of each batch.</summary>
    public double? Percentile { get; set; }

    public bool IsReady => _ready.item<float>() > 0;

    /// <summary>The quantization the exported layer carries; only valid once the observer has seen data.</summary>
    public QuantParams Params => IsReady
        ? FakeQuantizer.FromRange(_min.item<float>(), _max.item<float>())
        : throw new InvalidOperationException($"observer {GetName()} has seen no data; calibrate or fine-tune first");

    public override Tensor forward(Tensor x)
    {
        switch (Mode)
        {
            case ObserverMode.Off:
                return x;
            case ObserverMode.Calibrate:
                Record(x);
                return x;
            default:
                if (training)
                {
                    Track(x);
                }

                return FakeQuantizer.Activation(x, Params);
        }
    }

    /// <summary>Ends a percentile calibration: the buffers take the mean of the per-batch percentiles.</summary>
    public void FinishCalibration()
    {
        if (_percentileSamples.Count > 0)
        {
            using var _ = no_grad();
            _min.fill_(_percentileSamples.Average(s => s.Low));
            _max.fill_(_percentileSamples.Average(s => s.High));
            _ready.fill_(1f);
            _percentileSamples.Clear();
        }
    }

    private void Record(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        float low, high;
        if (Percentile is { } p)
        {
            var flat = x.detach().flatten();
            long n = flat.shape[0];
            long lowK = Math.Clamp((long)Math.Floor((100 - p) / 100 * n) + 1, 1, n);
            long highK = Math.Clamp((long)Math.Ceiling(p / 100 * n), 1, n);
            low = flat.kthvalue(lowK, 0).values.item<float>();
            high = flat.kthvalue(highK, 0).values.item<float>();
            _percentileSamples.Add((low, high));
            return;
        }

        low = x.min().item<float>();
        high = x.max().item<float>();
        if (IsReady)
        {
            low = Math.Min(low, _min.item<float>());
            high = Math.Max(high, _max.item<float>());
        }

        _min.fill_(low);
        _max.fill_(high);
        _ready.fill_(1f);
    }

    private void Track(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        float low = x.min().item<float>();
        float high = x.max().item<float>();
        if (IsReady)
        {
            low = _min.item<float>() + Momentum * (low - _min.item<float>());
            high = _max.item<float>() + Momentum * (high - _max.item<float>());
        }

        _min.fill_(low);
        _max.fill_(high);
        _ready.fill_(1f);
    }
}
