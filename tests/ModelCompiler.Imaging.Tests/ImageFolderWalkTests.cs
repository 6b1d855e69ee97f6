namespace ModelCompiler.Imaging.Tests;

/// <summary>
/// Folder walks: a link to a parent folder used to be followed about 40 levels deep (the same photo classified 41
/// times); now every folder is walked once and each link not followed is reported.
/// </summary>
public sealed class ImageFolderWalkTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("walk-tests-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void A_link_to_the_parent_folder_is_reported_and_each_photo_found_once()
    {
        string photos = Directory.CreateDirectory(Path.Combine(root, "photos")).FullName;
        File.WriteAllBytes(Path.Combine(photos, "a.jpg"), [1]);
        Directory.CreateDirectory(Path.Combine(photos, "sub"));
        File.WriteAllBytes(Path.Combine(photos, "sub", "b.PNG"), [1]);
        File.WriteAllText(Path.Combine(photos, "sub", "notes.txt"), "not an image by name");
        string up = Path.Combine(photos, "sub", "up");
        Directory.CreateSymbolicLink(up, "..");

        var list = ImageFolderWalk.Expand([photos]);

        Assert.Equal([Path.Combine(photos, "a.jpg"), Path.Combine(photos, "sub", "b.PNG")], list.Files);
        var skipped = Assert.Single(list.Skipped);
        Assert.Equal(up, skipped.Path);
        Assert.Equal($"a symbolic link back to {photos}, which contains it (a cycle); not followed", skipped.Reason);
    }

    [Fact]
    public void A_link_to_another_folder_is_walked_once_and_a_second_route_is_reported()
    {
        string elsewhere = Directory.CreateDirectory(Path.Combine(root, "elsewhere")).FullName;
        File.WriteAllBytes(Path.Combine(elsewhere, "c.gif"), [1]);
        string photos = Directory.CreateDirectory(Path.Combine(root, "photos")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(photos, "first"), elsewhere);
        Directory.CreateSymbolicLink(Path.Combine(photos, "second"), Path.Combine("..", "elsewhere"));

        var list = ImageFolderWalk.Expand([photos]);

        Assert.Equal([Path.Combine(photos, "first", "c.gif")], list.Files);
        Assert.Equal(
            [new SkippedPath(Path.Combine(photos, "second"), $"the same folder as {Path.Combine(photos, "first")}, already walked; not followed")],
            list.Skipped);
    }

    [Fact]
    public void Link_loops_and_the_same_folder_given_twice_are_reported_and_files_are_taken_as_named()
    {
        string photos = Directory.CreateDirectory(Path.Combine(root, "photos")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(photos, "x"), Path.Combine(photos, "y"));
        Directory.CreateSymbolicLink(Path.Combine(photos, "y"), Path.Combine(photos, "x"));
        File.WriteAllBytes(Path.Combine(photos, "z.jpeg"), [1]);
        string named = Path.Combine(root, "any-name.dat");

        var list = ImageFolderWalk.Expand([photos, Path.Combine(root, "photos", "."), named]);

        // The loop links are not folders (they resolve to nothing), so they are neither walked nor images by name.
        Assert.Equal([Path.Combine(photos, "z.jpeg"), named], list.Files);
        Assert.Equal([new SkippedPath(Path.Combine(root, "photos", "."), $"the same folder as {photos}, already walked")], list.Skipped);
    }

    [Fact]
    public void Folders_deeper_than_the_limit_are_reported_not_walked()
    {
        string deep = root;
        for (int i = 0; i <= ImageFolderWalk.MaxDepth; i++)
        {
            deep = Path.Combine(deep, "d");
        }

        Directory.CreateDirectory(deep);
        File.WriteAllBytes(Path.Combine(deep, "too-deep.png"), [1]);
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(deep)!, "deepest.png"), [1]);

        var list = ImageFolderWalk.Expand([root]);

        Assert.Equal([Path.Combine(Path.GetDirectoryName(deep)!, "deepest.png")], list.Files);
        Assert.Equal([new SkippedPath(deep, $"more than {ImageFolderWalk.MaxDepth} folders deep; not walked")], list.Skipped);
    }

    [Fact]
    public void RealPath_resolves_links_component_by_component()
    {
        string a = Directory.CreateDirectory(Path.Combine(root, "a", "inner")).FullName;
        string link = Path.Combine(root, "link");
        Directory.CreateSymbolicLink(link, Path.Combine("a", "inner"));

        Assert.Equal(a, ImageFolderWalk.RealPath(link));
        Assert.Equal(Path.Combine(root, "a"), ImageFolderWalk.RealPath(Path.Combine(link, "..")));
        File.CreateSymbolicLink(Path.Combine(root, "self"), Path.Combine(root, "self"));
        Assert.Null(ImageFolderWalk.RealPath(Path.Combine(root, "self")));
    }
}
