using ModelCompiler.Imaging;

namespace ModelCompiler.Samples.Intel;

/// <summary>
/// The one place the sample opens images and walks folders, through ModelCompiler.Imaging (limits checked from the
/// header, a decode that cannot hang, truncation reported, folder walks without cycles), resized bilinearly to the
/// model's input as the trainer resizes.
/// </summary>
internal static class PhotoFile
{
    /// <summary>Decodes <paramref name="path"/> into <paramref name="destination"/> (height x width x 3 RGB bytes).</summary>
    /// <returns>A warning to show (a truncated image read as far as it goes), or null.</returns>
    /// <exception cref="ImageFileException">The file cannot be used; the message names it.</exception>
    public static string? Load(string path, Span<byte> destination, int height, int width, ImageReadOptions limits)
    {
        var image = ImageFile.Read(path, 3, limits);
        image.ResizeTo(destination, height, width);
        return image.Warning;
    }

    /// <summary>The image files <paramref name="paths"/> name or hold (folders walked in ordinal order), and what was skipped.</summary>
    public static ImageFileList Expand(IEnumerable<string> paths) => ImageFolderWalk.Expand(paths);
}
