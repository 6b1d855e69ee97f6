namespace ModelCompiler.Trainer.Data;

/// <summary>
/// A procedurally drawn stand-in for the Kaggle Intel Image Classification set, which cannot be downloaded here:
/// 150x150 RGB pictures of the same six classes (buildings, forest, glacier, mountain, sea, street), drawn from
/// random shapes, colours and noise so that a classifier has something real to learn. It only lets the intel-cnn
/// pipeline run end to end; figures measured on it say nothing about the real data set.
/// </summary>
public static class SyntheticScenes
{
    public static readonly string[] Classes = ["buildings", "forest", "glacier", "mountain", "sea", "street"];

    public const int Size = 150;

    /// <summary>Draws one scene of class <paramref name="classIndex"/> as interleaved RGB bytes (Size x Size x 3).</summary>
    public static byte[] Draw(int classIndex, Random random)
    {
        var canvas = new Canvas(Size, Size);
        float horizon = Size * (0.25f + 0.3f * random.NextSingle());
        switch (classIndex)
        {
            case 0:
                DrawBuildings(canvas, random, horizon);
                break;
            case 1:
                DrawForest(canvas, random);
                break;
            case 2:
                DrawGlacier(canvas, random, horizon);
                break;
            case 3:
                DrawMountain(canvas, random, horizon);
                break;
            case 4:
                DrawSea(canvas, random, horizon);
                break;
            case 5:
                DrawStreet(canvas, random, horizon);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(classIndex), classIndex, "there are six classes");
        }

        canvas.AddNoise(random, 6 + random.Next(18));
        return canvas.Pixels;
    }

    private static void DrawSky(Canvas c, Random r, float horizon)
    {
        var top = Jitter(r, (90, 150, 220), 30);
        var bottom = Jitter(r, (190, 210, 235), 25);
        c.VerticalGradient(0, (int)horizon, top, bottom);
    }

    private static void DrawBuildings(Canvas c, Random r, float horizon)
    {
        DrawSky(c, r, horizon);
        c.Fill(0, (int)horizon, Size, Size, Jitter(r, (110, 105, 100), 30));
        int x = -r.Next(20);
        while (x < Size)
        {
            int w = 25 + r.Next(40);
            int top = (int)(horizon * r.NextSingle() * 0.8f);
            var wall = Jitter(r, (150, 130, 115), 50);
            c.Fill(x, top, x + w, Size, wall);
            var window = Jitter(r, (60, 70, 90), 30);
            for (int wy = top + 6; wy < Size - 10; wy += 12)
            {
                for (int wx = x + 4; wx < x + w - 6; wx += 9)
                {
                    c.Fill(wx, wy, wx + 5, wy + 7, window);
                }
            }

            x += w + r.Next(6);
        }
    }

    private static void DrawForest(Canvas c, Random r)
    {
        c.VerticalGradient(0, Size, Jitter(r, (40, 90, 40), 25), Jitter(r, (30, 60, 25), 20));
        int trees = 8 + r.Next(12);
        for (int i = 0; i < trees; i++)
        {
            int x = r.Next(Size);
            int w = 3 + r.Next(8);
            c.Fill(x, 0, x + w, Size, Jitter(r, (80, 55, 35), 25));
        }

        for (int i = 0; i < 400; i++)
        {
            int x = r.Next(Size), y = r.Next(Size * 3 / 4);
            int s = 2 + r.Next(6);
            c.Fill(x, y, x + s, y + s, Jitter(r, (50, 120, 45), 40));
        }
    }

    private static void DrawGlacier(Canvas c, Random r, float horizon)
    {
        c.VerticalGradient(0, (int)horizon, Jitter(r, (170, 200, 230), 25), Jitter(r, (215, 230, 245), 15));
        c.VerticalGradient((int)horizon, Size, Jitter(r, (225, 240, 250), 15), Jitter(r, (160, 200, 230), 25));
        int cracks = 5 + r.Next(10);
        for (int i = 0; i < cracks; i++)
        {
            c.Line(r.Next(Size), (int)horizon + r.Next(Size - (int)horizon), r.Next(Size), Size, Jitter(r, (70, 120, 170), 30), 1 + r.Next(2));
        }
    }

    private static void DrawMountain(Canvas c, Random r, float horizon)
    {
        DrawSky(c, r, Size);
        int peaks = 1 + r.Next(3);
        for (int i = 0; i < peaks; i++)
        {
            int px = r.Next(Size), py = (int)(horizon * r.NextSingle() * 0.7f) + 5;
            int half = 40 + r.Next(60);
            var rock = Jitter(r, (105, 95, 90), 30);
            var snow = Jitter(r, (240, 240, 245), 10);
            for (int y = py; y < Size; y++)
            {
                int spread = (y - py) * half / (Size - py);
                var colour = y < py + (Size - py) / 5 ? snow : rock;
                c.Fill(px - spread, y, px + spread, y + 1, colour);
            }
        }
    }

    private static void DrawSea(Canvas c, Random r, float horizon)
    {
        DrawSky(c, r, horizon);
        var deep = Jitter(r, (20, 70, 130), 25);
        var near = Jitter(r, (40, 110, 160), 25);
        c.VerticalGradient((int)horizon, Size, deep, near);
        for (int y = (int)horizon + 3; y < Size; y += 3 + r.Next(5))
        {
            int x = r.Next(Size);
            c.Fill(x, y, x + 10 + r.Next(40), y + 1, Jitter(r, (200, 220, 235), 20));
        }
    }

    private static void DrawStreet(Canvas c, Random r, float horizon)
    {
        DrawBuildings(c, r, horizon);
        int vanishX = Size / 3 + r.Next(Size / 3);
        var asphalt = Jitter(r, (70, 70, 75), 20);
        for (int y = (int)horizon + 10; y < Size; y++)
        {
            float t = (y - horizon) / (Size - horizon);
            int half = (int)(t * Size * 0.7f);
            c.Fill(vanishX - half, y, vanishX + half, y + 1, asphalt);
            if (((y / 6) & 1) == 0)
            {
                c.Fill(vanishX - 1 - (int)(t * 2), y, vanishX + 1 + (int)(t * 2), y + 1, (230, 220, 120));
            }
        }
    }

    private static (int R, int G, int B) Jitter(Random r, (int R, int G, int B) colour, int amount) =>
        (colour.R + r.Next(-amount, amount + 1), colour.G + r.Next(-amount, amount + 1), colour.B + r.Next(-amount, amount + 1));

    private sealed class Canvas(int width, int height)
    {
        public byte[] Pixels { get; } = new byte[width * height * 3];

        public void Fill(int x0, int y0, int x1, int y1, (int R, int G, int B) colour)
        {
            x0 = Math.Max(x0, 0);
            y0 = Math.Max(y0, 0);
            x1 = Math.Min(x1, width);
            y1 = Math.Min(y1, height);
            for (int y = y0; y < y1; y++)
            {
                for (int x = x0; x < x1; x++)
                {
                    Set(x, y, colour);
                }
            }
        }

        public void VerticalGradient(int y0, int y1, (int R, int G, int B) top, (int R, int G, int B) bottom)
        {
            for (int y = Math.Max(y0, 0); y < Math.Min(y1, height); y++)
            {
                float t = y1 - y0 <= 1 ? 0 : (float)(y - y0) / (y1 - y0 - 1);
                var colour = ((int)(top.R + (bottom.R - top.R) * t), (int)(top.G + (bottom.G - top.G) * t), (int)(top.B + (bottom.B - top.B) * t));
                Fill(0, y, width, y + 1, colour);
            }
        }

        public void Line(int x0, int y0, int x1, int y1, (int R, int G, int B) colour, int thickness)
        {
            int steps = Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0)) + 1;
            for (int i = 0; i < steps; i++)
            {
                int x = x0 + (x1 - x0) * i / steps, y = y0 + (y1 - y0) * i / steps;
                Fill(x, y, x + thickness, y + thickness, colour);
            }
        }

        public void AddNoise(Random random, int amount)
        {
            for (int i = 0; i < Pixels.Length; i++)
            {
                Pixels[i] = (byte)Math.Clamp(Pixels[i] + random.Next(-amount, amount + 1), 0, 255);
            }
        }

        private void Set(int x, int y, (int R, int G, int B) colour)
        {
            int o = (y * width + x) * 3;
            Pixels[o] = (byte)Math.Clamp(colour.R, 0, 255);
            Pixels[o + 1] = (byte)Math.Clamp(colour.G, 0, 255);
            Pixels[o + 2] = (byte)Math.Clamp(colour.B, 0, 255);
        }
    }
}
