using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Package.Tests;

/// <summary>
/// The NuGet package as a user gets it: its layout and metadata, and a brand-new console project that references
/// only the package, builds with warnings as errors, trains a spec'd network and uses one with baked weights.
/// </summary>
[Trait("Category", "Package")]
public class PackageTests(PackedPackage package, ITestOutputHelper output) : IClassFixture<PackedPackage>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void Package_HasTheRuntimeInLib_TheGeneratorAsAnalyzer_BuildFilesAndSchema()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        output.WriteLine(string.Join(Environment.NewLine, entries.Order(StringComparer.Ordinal)));

        string[] required =
        [
            "StaticNet.nuspec", "README.md",
            "lib/net8.0/StaticNet.dll", "lib/net8.0/StaticNet.xml",
            "analyzers/dotnet/cs/StaticNet.Generator.dll",
            "build/StaticNet.props", "build/StaticNet.targets",
            "buildTransitive/StaticNet.props", "buildTransitive/StaticNet.targets",
            "schema/staticnet.schema.json",
        ];
        foreach (string entry in required)
        {
            Assert.Contains(entry, entries);
        }

        // lib/ is the runtime only: the generator (and Roslyn) must never become a compile or runtime reference.
        Assert.Equal(["lib/net8.0/StaticNet.dll", "lib/net8.0/StaticNet.xml"], entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(["analyzers/dotnet/cs/StaticNet.Generator.dll"], entries.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)));
        Assert.DoesNotContain(entries, e => e.Contains("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));

        // The packed files are the repository's.
        AssertSameBytes(zip, "build/StaticNet.props", "src/StaticNet/build/StaticNet.props");
        AssertSameBytes(zip, "build/StaticNet.targets", "src/StaticNet/build/StaticNet.targets");
        AssertSameBytes(zip, "buildTransitive/StaticNet.props", "src/StaticNet/build/StaticNet.props");
        AssertSameBytes(zip, "buildTransitive/StaticNet.targets", "src/StaticNet/build/StaticNet.targets");
        AssertSameBytes(zip, "schema/staticnet.schema.json", "src/StaticNet/schema/staticnet.schema.json");
        AssertSameBytes(zip, "README.md", "README.md");

        // The generator is a netstandard2.0 assembly built against Roslyn 4.8 (the .NET 8 SDK's compiler), so older
        // compilers than the one building this repository can load it.
        byte[] generator = ReadEntry(zip, "analyzers/dotnet/cs/StaticNet.Generator.dll");
        using var reader = new PEReader(new MemoryStream(generator));
        MetadataReader metadata = reader.GetMetadataReader();
        var references = metadata.AssemblyReferences.Select(h => metadata.GetAssemblyReference(h))
            .ToDictionary(r => metadata.GetString(r.Name), r => r.Version);
        Assert.Equal(new Version(4, 8, 0, 0), references["Microsoft.CodeAnalysis"]);
        Assert.Equal(new Version(4, 8, 0, 0), references["Microsoft.CodeAnalysis.CSharp"]);
        Assert.True(references.ContainsKey("netstandard"), "the generator must target netstandard2.0");

        Assert.True(File.Exists(package.SymbolPackagePath), $"no symbol package {package.SymbolPackagePath}");
    }

    [Fact]
    public void PackedAssemblies_HoldNoPathOfTheBuildMachine()
    {
        // Issue 11 item 16: the DLLs embedded the repository's folder (the PDB path, source paths), so two clones in
        // different folders packed different bytes. This pack ran from the repository with its obj/ under a temporary
        // folder: neither may appear in the DLLs, whose PDB path and source documents are mapped to /_/.
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        string[] machinePaths = [Repository.Root, package.Root];
        foreach (string entry in new[] { "lib/net8.0/StaticNet.dll", "analyzers/dotnet/cs/StaticNet.Generator.dll" })
        {
            byte[] dll = ReadEntry(zip, entry);
            foreach (string path in machinePaths)
            {
                Assert.True(dll.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(path)) < 0, $"{entry} contains {path} (UTF-8)");
                Assert.True(dll.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes(path)) < 0, $"{entry} contains {path} (UTF-16)");
            }
            using var reader = new PEReader(new MemoryStream(dll));
            DebugDirectoryEntry codeView = Assert.Single(reader.ReadDebugDirectory(), d => d.Type == DebugDirectoryEntryType.CodeView);
            string pdbPath = reader.ReadCodeViewDebugDirectoryData(codeView).Path;
            output.WriteLine($"{entry}: PDB path {pdbPath}");
            Assert.StartsWith("/_/", pdbPath);
        }

        // The symbol package's PDB names its source documents by the mapped paths too.
        using ZipArchive symbols = ZipFile.OpenRead(package.SymbolPackagePath);
        byte[] pdb = ReadEntry(symbols, "lib/net8.0/StaticNet.pdb");
        using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb));
        MetadataReader pdbReader = provider.GetMetadataReader();
        string[] documents = pdbReader.Documents.Select(h => pdbReader.GetString(pdbReader.GetDocument(h).Name)).ToArray();
        Assert.NotEmpty(documents);
        Assert.All(documents, d => Assert.StartsWith("/_/", d));
    }

    [Fact]
    public void Nuspec_HasTheMetadata_AndNoDependencies()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        XDocument nuspec = XDocument.Load(zip.GetEntry("StaticNet.nuspec")!.Open());
        XNamespace ns = nuspec.Root!.Name.Namespace;
        XElement meta = nuspec.Root.Element(ns + "metadata")!;
        output.WriteLine(meta.ToString());

        Assert.Equal("StaticNet", meta.Element(ns + "id")!.Value);
        Assert.Equal(package.Version, meta.Element(ns + "version")!.Value);
        Assert.Equal("StaticNet contributors", meta.Element(ns + "authors")!.Value);
        Assert.Equal("expression", meta.Element(ns + "license")!.Attribute("type")!.Value);
        Assert.Equal("MIT", meta.Element(ns + "license")!.Value);
        Assert.Equal("README.md", meta.Element(ns + "readme")!.Value);
        Assert.Contains("source generator", meta.Element(ns + "description")!.Value);
        Assert.Contains("source-generator", meta.Element(ns + "tags")!.Value.Split(' '));
        XElement repository = meta.Element(ns + "repository")!;
        Assert.Equal("git", repository.Attribute("type")!.Value);

        // One dependency group for net8.0, empty: the runtime needs nothing, and the generator is not a dependency.
        XElement group = Assert.Single(meta.Element(ns + "dependencies")!.Elements(ns + "group"));
        Assert.Equal("net8.0", group.Attribute("targetFramework")!.Value);
        Assert.Empty(group.Elements());
    }

    [Fact]
    public void NewConsoleProject_ReferencingOnlyThePackage_BuildsWithWarningsAsErrors_TrainsAndRuns()
    {
        string consumer = Path.Combine(package.Root, "PackageConsumer");
        string packages = Path.Combine(package.Root, "packages");
        Isolate(package.Root);

        // The package sources configured on this machine, for anything besides StaticNet (read before the temporary
        // nuget.config exists, which clears them).
        List<string> machineSources = MachineSources(package.Root);

        ProcessResult created = DotNet.Run(package.Root, BuildTimeout, null,
            "new", "console", "--name", "PackageConsumer", "--output", consumer, "--framework", "net10.0", "--no-restore", "--no-update-check");
        Assert.True(created.ExitCode == 0, created.ToString());

        ConfigureProject(Path.Combine(consumer, "PackageConsumer.csproj"));
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), NuGetConfig(machineSources));
        File.WriteAllText(Path.Combine(consumer, "XorGate.staticnet.json"), XorSpec);

        // A network with PyTorch's weights baked in at build time: the weight file beside the spec reaches the
        // generator through the package's StaticNet.targets.
        string pretrained = Path.Combine(consumer, "Pretrained");
        Directory.CreateDirectory(pretrained);
        string golden = Path.Combine(Repository.Root, "tests", "StaticNet.Tests", "Golden", "WeightFiles");
        File.Copy(Path.Combine(golden, "torch_mlp_f32.safetensors"), Path.Combine(pretrained, "torch_mlp_f32.safetensors"));
        File.WriteAllText(Path.Combine(pretrained, "TorchMlp.staticnet.json"), TorchMlpSpec);
        (float[] goldenInput, float[] goldenOutput) = TorchMlpGolden(Path.Combine(golden, "torch_mlp.json"));
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), Program(goldenInput));

        // Restore into a packages folder of its own: this run's package never reaches the machine's NuGet cache.
        var environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = packages,
            ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(package.Root, "http-cache"),
        };

        ProcessResult built = DotNet.Run(consumer, BuildTimeout, environment, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        output.WriteLine(built.ToString());
        Assert.True(built.ExitCode == 0, built.ToString());
        Assert.Contains("0 Warning(s)", built.Output);

        string bin = Path.Combine(consumer, "bin", "Release", "net10.0");
        Assert.True(File.Exists(Path.Combine(bin, "StaticNet.dll")), "the runtime library is not in the output");
        Assert.False(File.Exists(Path.Combine(bin, "StaticNet.Generator.dll")), "the generator must not be copied to the output");
        Assert.True(Directory.Exists(Path.Combine(packages, "staticnet", package.Version)), "StaticNet was not restored into the isolated packages folder");

        ProcessResult ran = DotNet.Run(consumer, RunTimeout, environment, "run", "-c", "Release", "--no-build");
        output.WriteLine(ran.ToString());
        Assert.True(ran.ExitCode == 0, ran.ToString());
        string[] lines = ran.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // The generated enum Label and Classify, after training with the runtime's Trainer and Sgd.
        Assert.Contains("0 xor 0 = Zero", lines);
        Assert.Contains("0 xor 1 = One", lines);
        Assert.Contains("1 xor 0 = One", lines);
        Assert.Contains("1 xor 1 = Zero", lines);
        double[] losses = Values(lines, "loss");
        Assert.True(losses[1] < losses[0] / 10, $"the loss went from {losses[0]} to {losses[1]}");

        // PyTorch's outputs for the baked network.
        double[] predicted = Values(lines, "pretrained");
        Assert.Equal(goldenOutput.Length, predicted.Length);
        for (int i = 0; i < predicted.Length; i++)
        {
            Assert.True(Math.Abs(predicted[i] - goldenOutput[i]) <= 1e-5, $"output {i}: {predicted[i]} versus PyTorch's {goldenOutput[i]}");
        }

        // The props tell consumers where the packaged schema is.
        ProcessResult schema = DotNet.Run(consumer, BuildTimeout, environment, "msbuild", "-getProperty:StaticNetSchemaPath", "-nodeReuse:false");
        Assert.True(schema.ExitCode == 0, schema.ToString());
        string schemaPath = schema.Output.Trim();
        Assert.True(File.Exists(schemaPath), $"StaticNetSchemaPath is '{schemaPath}'");
        Assert.StartsWith(Path.Combine(packages, "staticnet", package.Version), schemaPath);

        // Transitively (buildTransitive/ and the analyzer flow through a project reference): a library that only
        // references the console project still has its own spec compiled.
        string library = Path.Combine(package.Root, "TransitiveLibrary");
        Directory.CreateDirectory(library);
        File.WriteAllText(Path.Combine(library, "TransitiveLibrary.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="../PackageConsumer/PackageConsumer.csproj" />
              </ItemGroup>
            </Project>
            """);
        File.Copy(Path.Combine(consumer, "nuget.config"), Path.Combine(library, "nuget.config"));
        File.WriteAllText(Path.Combine(library, "Tiny.staticnet.json"), """{ "name": "Tiny", "inputs": 3, "layers": [{ "units": 2 }] }""");
        File.WriteAllText(Path.Combine(library, "Sizes.cs"), """
            namespace TransitiveLibrary;

            /// <summary>Uses the generated class.</summary>
            public static class Sizes
            {
                /// <summary>3 * 2 weights + 2 biases.</summary>
                public const int Parameters = Tiny.ParameterCount;
            }
            """);
        ProcessResult transitive = DotNet.Run(library, BuildTimeout, environment, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        output.WriteLine(transitive.ToString());
        Assert.True(transitive.ExitCode == 0, transitive.ToString());
    }

    [Fact]
    public void ReadmeQuickstart_BuildsAndRunsVerbatim_AndIncrementalBuildsFollowAddedRemovedAndRenamedSpecsAndWeights()
    {
        // A console project named MyApp, as the README's Quickstart has the reader create it (`dotnet new console -n
        // MyApp`: implicit usings, nullable), with the Quickstart's spec and C# block as they are in README.md
        // (issue 11 item 10, here against the packed package), then edited between incremental builds.
        string project = Path.Combine(package.Root, "MyApp");
        Directory.CreateDirectory(project);
        Isolate(package.Root);
        File.WriteAllText(Path.Combine(project, "nuget.config"), NuGetConfig(MachineSources(package.Root)));
        File.WriteAllText(Path.Combine(project, "MyApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="StaticNet" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);
        (string quickstartSpec, string quickstartProgram) = ReadmeQuickstart();
        File.WriteAllText(Path.Combine(project, "Iris.staticnet.json"), quickstartSpec);
        File.WriteAllText(Path.Combine(project, "Program.cs"), quickstartProgram);
        File.WriteAllText(Path.Combine(project, "Alpha.staticnet.json"), """{ "name": "Alpha", "inputs": 2, "layers": [{ "units": 1 }] }""");
        File.WriteAllText(Path.Combine(project, "Uses.cs"), """
            namespace MyApp;

            /// <summary>Code that uses a generated class.</summary>
            public static class Uses
            {
                /// <summary>Alpha's parameters.</summary>
                public const int Parameters = Alpha.ParameterCount;
            }
            """);
        string pretrained = Path.Combine(project, "Pretrained");
        Directory.CreateDirectory(pretrained);
        string weights = Path.Combine(pretrained, "torch_mlp_f32.safetensors");
        File.Copy(Path.Combine(Repository.Root, "tests", "StaticNet.Tests", "Golden", "WeightFiles", "torch_mlp_f32.safetensors"), weights);
        File.WriteAllText(Path.Combine(pretrained, "TorchMlp.staticnet.json"), TorchMlpSpec);
        var environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(package.Root, "packages"),
            ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(package.Root, "http-cache"),
        };
        string assembly = Path.Combine(project, "bin", "Release", "net10.0", "MyApp.dll");
        ProcessResult Build()
        {
            ProcessResult result = DotNet.Run(project, BuildTimeout, environment, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
            output.WriteLine(result.ToString());
            return result;
        }

        ProcessResult first = Build();
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("MyApp.IrisClassifier", TypeNames(assembly));
        Assert.Contains("MyApp.Alpha", TypeNames(assembly));
        Assert.Contains("MyApp.TorchMlp", TypeNames(assembly));
        // Run in a folder of its own: the iris.safetensors it saves must not land beside the spec.
        string runFolder = Path.Combine(package.Root, "MyAppRun");
        Directory.CreateDirectory(runFolder);
        ProcessResult ran = DotNet.Run(runFolder, RunTimeout, environment, assembly);
        output.WriteLine(ran.ToString());
        Assert.True(ran.ExitCode == 0, ran.ToString());
        Assert.True(File.Exists(Path.Combine(runFolder, "iris.safetensors")), "the Quickstart's Save wrote no iris.safetensors");

        // Issue 11 item 12: CoreCompile compares timestamps, and a removed or renamed file changes none, so without the
        // list of spec/weight/ONNX files that StaticNet.targets keeps in obj/, these builds kept the old classes.
        // Added: a spec whose timestamp is older than the assembly (a copy that keeps its date, an unpacked archive).
        string gamma = Path.Combine(project, "Gamma.staticnet.json");
        File.WriteAllText(gamma, """{ "name": "Gamma", "inputs": 3, "layers": [{ "units": 2 }] }""");
        File.SetLastWriteTimeUtc(gamma, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        ProcessResult added = Build();
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("MyApp.Gamma", TypeNames(assembly));

        // Renamed out of the pattern (the spec is gone) and a weight file renamed: Uses.cs no longer compiles, and the
        // spec that names the weight file reports it missing.
        File.Move(Path.Combine(project, "Alpha.staticnet.json"), Path.Combine(project, "Alpha.staticnet.json.old"));
        File.Move(weights, weights + ".old");
        ProcessResult removed = Build();
        Assert.True(removed.ExitCode != 0, "the build succeeded without Alpha's spec and TorchMlp's weight file" + Environment.NewLine + removed);
        Assert.Contains("error CS0103: The name 'Alpha' does not exist", removed.Output);
        Assert.Contains("error SN0018", removed.Output);
    }

    /// <summary>The Quickstart's spec block and C# block, verbatim from README.md.</summary>
    private static (string Spec, string Program) ReadmeQuickstart()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md")).ReplaceLineEndings("\n");
        string quickstart = readme[readme.IndexOf("\n## Quickstart\n", StringComparison.Ordinal)..];
        quickstart = quickstart[..quickstart.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        static string Block(string text, string fence)
        {
            int start = text.IndexOf(fence + "\n", StringComparison.Ordinal);
            Assert.True(start >= 0, $"no {fence} block in the README's Quickstart");
            start += fence.Length + 1;
            return text[start..text.IndexOf("```\n", start, StringComparison.Ordinal)];
        }
        return (Block(quickstart, "```jsonc"), Block(quickstart, "```csharp"));
    }

    /// <summary>The full names of the types an assembly defines.</summary>
    private static HashSet<string> TypeNames(string assemblyPath)
    {
        using var reader = new PEReader(File.OpenRead(assemblyPath));
        MetadataReader metadata = reader.GetMetadataReader();
        return metadata.TypeDefinitions.Select(h => metadata.GetTypeDefinition(h))
            .Select(t => metadata.GetString(t.Namespace) + "." + metadata.GetString(t.Name))
            .ToHashSet(StringComparer.Ordinal);
    }

    private const string XorSpec = """
        {
          // The 2-2-1 sigmoid network for XOR; a single output with two labels gives Classify a Label result.
          "name": "XorGate",
          "inputs": 2,
          "layers": [
            { "units": 2, "activation": "sigmoid" },
            { "units": 1, "activation": "sigmoid" },
          ],
          "labels": ["zero", "one"],
        }
        """;

    private const string TorchMlpSpec = """
        {
          "name": "TorchMlp",
          "inputs": 4,
          "layers": [
            { "units": 8, "activation": "relu" },
            { "units": 3 }
          ],
          "weights": "torch_mlp_f32.safetensors"
        }
        """;

    private static string Program(float[] input) => $$"""
        using System.Globalization;
        using PackageConsumer;
        using StaticNet;
        using StaticNet.Optimizers;

        float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] targets = [0, 1, 1, 0];

        var network = new XorGate(seed: 1);
        var data = TrainingData<float>.FromTargets(inputs, targets, XorGate.InputSize, XorGate.OutputSize);
        var trainer = new Trainer<float>(network, new Sgd(0.5, momentum: 0.9))
        {
            Epochs = 1000,
            BatchSize = 4,
            Seed = 1,
            Threads = 1,
        };
        TrainingHistory history = trainer.Fit(data);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss {history.Epochs[0].Loss:R} {history.Last.Loss:R}"));

        for (int row = 0; row < 4; row++)
        {
            ReadOnlySpan<float> input = inputs.AsSpan(row * 2, 2);
            XorGate.Label label = network.Classify(input);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{input[0]} xor {input[1]} = {label}"));
        }

        TorchMlp pretrained = TorchMlp.Pretrained();
        float[] output = new float[TorchMlp.OutputSize];
        pretrained.Predict([{{string.Join(", ", input.Select(v => v.ToString("R", CultureInfo.InvariantCulture) + "f"))}}], output);
        Console.WriteLine("pretrained " + string.Join(" ", output.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        """;

    /// <summary>Sets what the task asks of the template's project, and references only the package.</summary>
    private void ConfigureProject(string path)
    {
        XDocument project = XDocument.Load(path);
        XElement properties = project.Root!.Element("PropertyGroup")!;
        void Set(string name, string value)
        {
            XElement? element = properties.Element(name);
            if (element is null)
            {
                properties.Add(new XElement(name, value));
            }
            else
            {
                element.Value = value;
            }
        }
        Set("TargetFramework", "net10.0");
        Set("Nullable", "enable");
        Set("TreatWarningsAsErrors", "true");
        Assert.Empty(project.Root.Elements("ItemGroup"));
        project.Root.Add(new XElement("ItemGroup", new XElement("PackageReference", new XAttribute("Include", "StaticNet"), new XAttribute("Version", package.Version))));
        project.Save(path);
        output.WriteLine(File.ReadAllText(path));
    }

    /// <summary>A nuget.config with this run's feed for StaticNet and the machine's sources for anything else.</summary>
    private string NuGetConfig(List<string> machineSources)
    {
        var sources = new XElement("packageSources", new XElement("clear"), new XElement("add", new XAttribute("key", "staticnet-test"), new XAttribute("value", package.Feed)));
        var mapping = new XElement("packageSourceMapping",
            new XElement("packageSource", new XAttribute("key", "staticnet-test"), new XElement("package", new XAttribute("pattern", "StaticNet"))));
        for (int i = 0; i < machineSources.Count; i++)
        {
            sources.Add(new XElement("add", new XAttribute("key", $"machine-{i}"), new XAttribute("value", machineSources[i])));
            mapping.Add(new XElement("packageSource", new XAttribute("key", $"machine-{i}"), new XElement("package", new XAttribute("pattern", "*"))));
        }
        string config = new XDocument(new XElement("configuration", sources, mapping)).ToString();
        output.WriteLine(config);
        return config;
    }

    private static List<string> MachineSources(string folder)
    {
        ProcessResult listed = DotNet.Run(folder, TimeSpan.FromMinutes(1), null, "nuget", "list", "source", "--format", "short");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        // Lines such as "E https://api.nuget.org/v3/index.json" (E: enabled, D: disabled).
        return listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2, StringSplitOptions.TrimEntries))
            .Where(parts => parts.Length == 2 && parts[0].Contains('E') && !parts[0].Contains('D'))
            .Select(parts => parts[1])
            .ToList();
    }

    /// <summary>Stops MSBuild and the SDK from picking up Directory.Build.* or global.json above the temporary folder.</summary>
    private static void Isolate(string root)
    {
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), "<Project />");
        File.Copy(Path.Combine(Repository.Root, "global.json"), Path.Combine(root, "global.json"), overwrite: true);
    }

    private static (float[] Input, float[] Output) TorchMlpGolden(string path)
    {
        using JsonDocument golden = JsonDocument.Parse(File.ReadAllText(path));
        float[] input = golden.RootElement.GetProperty("inputs")[0].EnumerateArray().Select(v => v.GetSingle()).ToArray();
        float[] expected = golden.RootElement.GetProperty("variants").GetProperty("f32").GetProperty("outputs")[0].EnumerateArray().Select(v => v.GetSingle()).ToArray();
        return (input, expected);
    }

    private static double[] Values(string[] lines, string prefix)
    {
        string line = Assert.Single(lines, l => l.StartsWith(prefix + " ", StringComparison.Ordinal));
        return line[(prefix.Length + 1)..].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }

    private static byte[] ReadEntry(ZipArchive zip, string name)
    {
        using Stream stream = zip.GetEntry(name)!.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static void AssertSameBytes(ZipArchive zip, string entry, string repositoryPath)
    {
        Assert.True(ReadEntry(zip, entry).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Repository.Root, repositoryPath))),
            $"{entry} differs from {repositoryPath}");
    }
}
