using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Xml.Linq;
using Xunit;

// The C# snippets change the working directory (they save files like iris.safetensors): nothing here runs in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace StaticNet.Readme.Tests;

/// <summary>
/// Every fenced block of README.md is exercised: spec blocks are compiled by the generator (the first of each class name
/// as this project's AdditionalFiles, every one by <see cref="ReadmeProject"/>), C# blocks are compiled as the Program.cs
/// of a fresh project and run (<see cref="ReadmeProject"/>), and the XML, Python and shell blocks are checked against the
/// repository and the generated networks. See build/ExtractReadme.cs.
/// </summary>
public sealed class ReadmeTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    public static TheoryData<int> CSharpSnippets() => Lines(b => b.IsSnippet);

    public static TheoryData<int> SpecBlocks() => Lines(IsSpec);

    [Fact]
    public void TheReadmeWasExtractedFromThisRepository()
    {
        Assert.Equal(Path.Combine(RepoRoot, "README.md"), Path.GetFullPath(ReadmeBlocks.ReadmePath));
        // The README as it is now: a stale build (README edited, this project not rebuilt) would test old snippets.
        string[] lines = File.ReadAllLines(ReadmeBlocks.ReadmePath);
        foreach (ReadmeBlock block in ReadmeBlocks.All)
        {
            string[] text = block.Text.Split('\n');
            Assert.True(block.Line - 1 + text.Length <= lines.Length, $"{block}: README.md changed since the build; rebuild.");
            Assert.Equal(text, lines.Skip(block.Line - 1).Take(text.Length).ToArray());
        }
    }

    [Fact]
    public void EveryBlockIsOfAKnownKindAndEveryCSharpBlockIsCompiled()
    {
        string[] known = ["csharp", "jsonc", "json", "xml", "python", "sh", ""];
        Assert.All(ReadmeBlocks.All, b => Assert.Contains(b.Language, known));
        Assert.Contains(ReadmeBlocks.All, b => b.IsSnippet);
        // Exceptions stay explicit and few: excerpts marked <!-- readme-test: skip (...) -->.
        Assert.True(ReadmeBlocks.All.Count(b => b.Skipped) <= 3, "more than three README blocks are excluded from testing");
    }

    [Theory]
    [MemberData(nameof(CSharpSnippets))]
    public void CSharpSnippetRuns(int line)
    {
        ReadmeBlock block = Block(line);
        string folder = Path.Combine(Path.GetTempPath(), "staticnet-readme-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string previousDirectory = Environment.CurrentDirectory;
        TextWriter previousOut = Console.Out;
        SynchronizationContext? previousContext = SynchronizationContext.Current;
        var output = new StringWriter();
        try
        {
            Environment.CurrentDirectory = folder;
            Console.SetOut(TextWriter.Synchronized(output));
            // Progress<T> posts to the current context: run its callbacks inline, so output is complete when Run returns.
            SynchronizationContext.SetSynchronizationContext(new InlineSynchronizationContext());
            ReadmeProject.Compiled program = ReadmeProject.CompileBlock(block);
            Assert.True(program.Assembly is not null, $"{block} does not compile as the Program.cs of a new project {ReadmeProject.ProjectName}:{Environment.NewLine}{string.Join(Environment.NewLine, program.Problems)}");
            program.Run();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previousContext);
            Console.SetOut(previousOut);
            Environment.CurrentDirectory = previousDirectory;
        }
        try
        {
            // Every file the snippet names (saves, exports, checkpoints) exists afterwards and is not empty.
            foreach (Match file in Regex.Matches(block.Text, "\"([\\w./-]+\\.(?:safetensors|onnx))\""))
            {
                var info = new FileInfo(Path.Combine(folder, file.Groups[1].Value));
                Assert.True(info.Exists && info.Length > 0, $"{block}: {file.Groups[1].Value} was not written");
            }
            // A snippet that prints the per-epoch metrics prints one line per epoch, in order.
            if (block.Text.Contains("Console.WriteLine", StringComparison.Ordinal))
            {
                string[] printed = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                Assert.NotEmpty(printed);
                for (int i = 0; i < printed.Length; i++)
                {
                    Assert.StartsWith($"epoch {i + 1}: loss ", printed[i]);
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void QuickstartSnippetBehavesAsItsCommentsSay()
    {
        // The quickstart's claims, checked on the class its spec generated: seeded construction, Classify of the
        // first iris sample returns a Label, and the saved file loads back to the same parameters.
        ReadmeBlock quickstart = ReadmeBlocks.All.First(b => b.Language == "csharp" && b.Text.Contains("new IrisClassifier(seed: 42)", StringComparison.Ordinal));
        Assert.Contains("IrisClassifier.Label kind", quickstart.Text, StringComparison.Ordinal);
        // The reader's first program: it gets no preamble, so it must show the using of the project's namespace itself.
        Assert.Same(quickstart, ReadmeBlocks.All.First(b => b.IsSnippet));
        Assert.Equal("standalone", quickstart.Marker);
        Assert.Contains($"using {ReadmeProject.ProjectName};", quickstart.Text, StringComparison.Ordinal);
        var a = new IrisClassifier(seed: 42);
        var b = new IrisClassifier(seed: 42);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        IrisClassifier.Label kind = a.Classify([5.1f, 3.5f, 1.4f, 0.2f]);
        Assert.True(Enum.IsDefined(kind));
        Assert.Equal(["Setosa", "Versicolor", "Virginica"], Enum.GetNames<IrisClassifier.Label>());
        string file = Path.Combine(Path.GetTempPath(), "staticnet-readme-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            a.Save(file);
            Assert.Equal(a.Parameters.ToArray(), IrisClassifier.Load(file).Parameters.ToArray());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [MemberData(nameof(SpecBlocks))]
    public void SpecBlockIsAGeneratedNetwork(int line)
    {
        // Compiled alone in a fresh project: the generator must report nothing for it (no diagnostic at all, infos
        // included), and the class is what the spec says.
        ReadmeBlock block = Block(line);
        using JsonDocument spec = JsonDocument.Parse(block.Text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        JsonElement root = spec.RootElement;
        string ns = root.TryGetProperty("namespace", out JsonElement n) ? n.GetString()! : ReadmeProject.ProjectName;
        string name = root.GetProperty("name").GetString()!;
        ReadmeProject.Compiled compiled = ReadmeProject.Compile("return;", block.Line, standalone: true, [block]);
        Assert.True(compiled.Assembly is not null, $"{block}:{Environment.NewLine}{string.Join(Environment.NewLine, compiled.Problems)}");
        Type? type = compiled.Assembly!.GetType(ns + "." + name);
        Assert.True(type is not null, $"{block}: the generator made no class {ns}.{name}");
        NetworkDescription description = (NetworkDescription)type!.GetProperty("Description", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        Assert.Equal(name, description.Name);
        if (root.TryGetProperty("inputs", out JsonElement inputs))
        {
            Assert.Equal(inputs.GetInt32(), description.InputSize);
        }
        if (root.TryGetProperty("layers", out JsonElement layers))
        {
            Assert.Equal(layers.EnumerateArray().Select(l => l.GetProperty("units").GetInt32()), description.Layers.Select(l => l.Units));
        }
        if (root.TryGetProperty("labels", out JsonElement labels))
        {
            Assert.Equal(labels.EnumerateArray().Select(l => l.GetString()!), description.Labels);
        }
        if (root.TryGetProperty("inputNames", out JsonElement names))
        {
            Assert.Equal(names.EnumerateArray().Select(l => l.GetString()!), description.InputNames);
        }
    }

    [Fact]
    public void EveryGeneratorDiagnosticFailsThisBuild()
    {
        // So that "the build succeeded" means "the README's specs produce no diagnostic at all" (an info included).
        string catalog = File.ReadAllText(Path.Combine(RepoRoot, "generator", "StaticNet.Generator", "Diagnostics", "DiagnosticDescriptors.cs"));
        string config = File.ReadAllText(Path.Combine(RepoRoot, "tests", "StaticNet.Readme.Tests", ".globalconfig"));
        string[] ids = Regex.Matches(catalog, "\"(SN\\d{4})\"").Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.Contains("SN0100", ids);
        Assert.All(ids, id => Assert.Contains($"dotnet_diagnostic.{id}.severity = error", config, StringComparison.Ordinal));
    }

    [Fact]
    public void XmlBlocksAreTheProjectReferencesThisProjectUses()
    {
        string project = File.ReadAllText(Path.Combine(RepoRoot, "tests", "StaticNet.Readme.Tests", "StaticNet.Readme.Tests.csproj"));
        XElement ours = XElement.Parse(project);
        // Skipped blocks are settings for the reader's own projects, not this repository's.
        ReadmeBlock[] blocks = ReadmeBlocks.All.Where(b => b.Language == "xml" && !b.Skipped).ToArray();
        Assert.NotEmpty(blocks);
        foreach (ReadmeBlock block in blocks)
        {
            // A project fragment: several top-level elements, so parse it inside a root.
            XElement fragment = XElement.Parse("<Project>" + block.Text + "</Project>");
            var elements = fragment.Descendants().Where(e => e.Name.LocalName is "Import" or "ProjectReference").ToArray();
            Assert.NotEmpty(elements);
            foreach (XElement element in elements)
            {
                string attribute = element.Name.LocalName == "Import" ? "Project" : "Include";
                string path = element.Attribute(attribute)!.Value;
                // "Inside this repository a project" two folders deep, such as this one.
                Assert.True(File.Exists(Path.Combine(RepoRoot, "tests", "StaticNet.Readme.Tests", path)), $"{block}: {path} does not exist");
                // ... and this project references them the same way, so the fragment is known to build.
                XElement? same = ours.Descendants(element.Name).FirstOrDefault(e => e.Attribute(attribute)?.Value == path);
                Assert.True(same is not null, $"{block}: StaticNet.Readme.Tests.csproj has no {element.Name.LocalName} of {path}");
                foreach (XAttribute a in element.Attributes())
                {
                    Assert.Equal(a.Value, same!.Attribute(a.Name)?.Value);
                }
            }
        }
    }

    [Fact]
    public void ShellBlocksNameProjectsThatExist()
    {
        ReadmeBlock[] blocks = ReadmeBlocks.All.Where(b => b.Language == "sh").ToArray();
        Assert.NotEmpty(blocks);
        int commands = 0;
        foreach (ReadmeBlock block in blocks)
        {
            foreach (string line in block.Text.Split('\n'))
            {
                string command = line.Split('#')[0].Trim();
                if (command.Length == 0)
                {
                    continue;
                }
                string[] words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal("dotnet", words[0]);
                Assert.Contains(words[1], new[] { "run", "test", "build", "pack" });
                // The project: after --project, or the first argument of test/build/pack.
                int at = Array.IndexOf(words, "--project");
                string target = at >= 0 ? words[at + 1] : words[2];
                string path = Path.Combine(RepoRoot, target);
                Assert.True(File.Exists(path) || Directory.Exists(path) && Directory.GetFiles(path, "*.csproj").Length == 1,
                    $"{block}: '{command}' names {target}, which is neither a file nor a folder with one project");
                commands++;
            }
        }
        Assert.True(commands >= 2);
    }

    [Fact]
    public void PythonWeightFileBlockDescribesTheQuickstartNetworksStateDict()
    {
        // No Python in CI: check that the nn.Sequential the block builds has exactly the state_dict keys and shapes
        // that IrisClassifier writes and reads, and that the files it names exist or are the C# snippets' file.
        ReadmeBlock block = ReadmeBlocks.All.Single(b => b.Language == "python" && b.Text.Contains("torch.nn.Sequential(", StringComparison.Ordinal));
        var expected = new List<(string Key, long[] Shape)>();
        string sequential = block.Text.Split("torch.nn.Sequential(", 2)[1].Split('\n')[0];
        MatchCollection modules = Regex.Matches(sequential, @"torch\.nn\.(\w+)\(([^()]*)\)");
        // The layer layout: per layer of the quickstart network a Linear, then its activation's module unless identity.
        var layout = new List<string>();
        foreach (LayerDescription layer in IrisClassifier.Description.Layers)
        {
            layout.Add("Linear");
            if (layer.Activation != Activation.Identity)
            {
                layout.Add(layer.Activation switch { Activation.Relu => "ReLU", Activation.Softmax => "Softmax", var a => a.ToString() });
            }
        }
        Assert.Equal(layout, modules.Select(m => m.Groups[1].Value));
        int index = 0;
        foreach (Match module in modules)
        {
            if (module.Groups[1].Value == "Linear")
            {
                long[] sizes = module.Groups[2].Value.Split(',').Select(s => long.Parse(s.Trim())).ToArray();
                expected.Add(($"{index}.weight", [sizes[1], sizes[0]]));
                expected.Add(($"{index}.bias", [sizes[1]]));
            }
            index++;
        }
        Assert.Equal(4, expected.Count);

        string file = Path.Combine(Path.GetTempPath(), "staticnet-readme-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            new IrisClassifier(seed: 1).Save(file);
            SafeTensorsFile saved = SafeTensorsFile.Read(file);
            Assert.Equal(expected.Select(e => e.Key), saved.Tensors.Select(t => t.Name));
            Assert.Equal(expected.Select(e => e.Shape), saved.Tensors.Select(t => t.Shape.ToArray()));
        }
        finally
        {
            File.Delete(file);
        }
        Assert.Equal(expected.Select(e => e.Key), IrisClassifier.Description.Layers.SelectMany(l => new[] { l.WeightKey, l.BiasKey! }));

        Assert.Contains("save_file(model.state_dict(), \"iris.safetensors\")", block.Text, StringComparison.Ordinal);
        Assert.Contains(ReadmeBlocks.All, b => b.Language == "csharp" && b.Text.Contains("IrisClassifier.Load(\"iris.safetensors\")", StringComparison.Ordinal));
    }

    [Fact]
    public void PythonOnnxBlockFitsTheOnnxSpec()
    {
        ReadmeBlock block = ReadmeBlocks.All.Single(b => b.Language == "python" && b.Text.Contains("torch.onnx.export", StringComparison.Ordinal));
        Match export = Regex.Match(block.Text, @"torch\.zeros\(1, (\d+)\), ""([\w.]+)"", opset_version=(\d+)");
        Assert.True(export.Success, $"{block}: unexpected torch.onnx.export call");
        Assert.Equal(TorchIris.InputSize, int.Parse(export.Groups[1].Value));
        ReadmeBlock spec = ReadmeBlocks.All.Single(b => IsSpec(b) && b.Text.Contains("\"onnx\"", StringComparison.Ordinal));
        Assert.Contains($"\"onnx\": \"{export.Groups[2].Value}\"", spec.Text, StringComparison.Ordinal);
        int opset = int.Parse(export.Groups[3].Value);
        Assert.InRange(opset, 13, 17);   // what the README says the importer reads
    }

    [Fact]
    public void RepositoryPathsInBlocksExist()
    {
        var regex = new Regex(@"(?<![\w.-])(?:\.\./\.\./)?((?:src|tests|samples|generator|data|bench)/[\w./-]*[\w])");
        int checkedPaths = 0;
        foreach (ReadmeBlock block in ReadmeBlocks.All)
        {
            foreach (Match m in regex.Matches(block.Text))
            {
                string path = Path.Combine(RepoRoot, m.Groups[1].Value);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{block}: {m.Groups[1].Value} does not exist");
                checkedPaths++;
            }
        }
        Assert.True(checkedPaths >= 5);
    }

    internal static bool IsSpec(ReadmeBlock b) =>
        !b.Skipped && b.Language is "json" or "jsonc" && b.Text.Contains("\"name\"", StringComparison.Ordinal);

    private static TheoryData<int> Lines(Func<ReadmeBlock, bool> filter)
    {
        var data = new TheoryData<int>();
        foreach (ReadmeBlock block in ReadmeBlocks.All.Where(filter))
        {
            data.Add(block.Line);
        }
        return data;
    }

    private static ReadmeBlock Block(int line) => ReadmeBlocks.All.Single(b => b.Line == line);

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "StaticNet.sln")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException("StaticNet.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed class InlineSynchronizationContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) => d(state);
    }
}
