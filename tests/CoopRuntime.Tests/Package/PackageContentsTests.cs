using System.Collections.Immutable;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using CoopRuntime.Tests.Samples;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Package;

/// <summary>
/// What <c>dotnet pack</c> of src/CoopRuntime produces (packed once for the class by <see cref="PackedPackage"/>): the
/// README, the license, both target frameworks with their XML docs, the symbol package, a deterministic build, and
/// SourceLink to the repository.
/// </summary>
[Collection(PackageBuild.Name)]
public sealed class PackageContentsTests(PackedPackage package) : IClassFixture<PackedPackage>
{
    /// <summary>The kind of the PDB's custom debug information that holds the SourceLink JSON.</summary>
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    /// <summary>The package's target frameworks.</summary>
    public static TheoryData<string> TargetFrameworks => new() { "net8.0", "net10.0" };

    /// <summary>Each target framework and the major version of the System.Runtime its build must reference.</summary>
    public static TheoryData<string, int> TargetFrameworksAndRuntimes => new() { { "net8.0", 8 }, { "net10.0", 10 } };

    [Fact]
    public void Package_CarriesTheRepositoryReadme()
    {
        using var nupkg = ZipFile.OpenRead(package.PackagePath);
        var readme = ReadText(nupkg, "README.md");

        Assert.Equal(File.ReadAllText(Path.Combine(GuideText.RepositoryRoot, "README.md")), readme);
    }

    [Theory]
    [MemberData(nameof(TargetFrameworksAndRuntimes))]
    public void Package_CarriesTheAssemblyAndItsXmlDocsForEachTargetFramework(string targetFramework, int runtimeMajorVersion)
    {
        using var nupkg = ZipFile.OpenRead(package.PackagePath);

        using var assembly = new PEReader(ReadBytes(nupkg, $"lib/{targetFramework}/CoopRuntime.dll"));
        var metadata = assembly.GetMetadataReader();
        Assert.Equal("CoopRuntime", metadata.GetString(metadata.GetAssemblyDefinition().Name));
        var runtime = metadata.AssemblyReferences.Select(metadata.GetAssemblyReference).Single(r => metadata.GetString(r.Name) == "System.Runtime");
        Assert.Equal(runtimeMajorVersion, runtime.Version.Major); // the folder holds that framework's build, not a copy

        var docs = XDocument.Parse(ReadText(nupkg, $"lib/{targetFramework}/CoopRuntime.xml"));
        Assert.Equal("CoopRuntime", docs.Root?.Element("assembly")?.Element("name")?.Value);
        var eventLoop = docs.Descendants("member").SingleOrDefault(m => (string?)m.Attribute("name") == "T:CoopRuntime.EventLoop");
        Assert.False(string.IsNullOrWhiteSpace(eventLoop?.Element("summary")?.Value), "EventLoop has no <summary> in the XML docs.");
    }

    [Fact]
    public void Nuspec_DeclaresTheMitLicenseDescriptionTagsReadmeAndRepository()
    {
        var metadata = ReadNuspecMetadata();

        var license = Element(metadata, "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.False(string.IsNullOrWhiteSpace(Element(metadata, "description").Value), "The nuspec has an empty description.");
        Assert.Contains("event-loop", Element(metadata, "tags").Value.Split(' '));
        Assert.Equal("README.md", Element(metadata, "readme").Value);

        var repository = Element(metadata, "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Equal(PackedPackage.RepositoryUrl, (string?)repository.Attribute("url"));
        Assert.Equal(HeadCommit(), (string?)repository.Attribute("commit"));

        var frameworks = metadata.Descendants().Where(e => e.Name.LocalName == "group").Select(g => (string?)g.Attribute("targetFramework"));
        Assert.Equal(["net10.0", "net8.0"], frameworks.Order());
    }

    [Theory]
    [MemberData(nameof(TargetFrameworks))]
    public void SymbolPackage_CarriesThePdbOfEachAssembly(string targetFramework)
    {
        using var nupkg = ZipFile.OpenRead(package.PackagePath);
        using var snupkg = ZipFile.OpenRead(package.SymbolPackagePath);
        using var assembly = new PEReader(ReadBytes(nupkg, $"lib/{targetFramework}/CoopRuntime.dll"));
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbImage(ReadBytes(snupkg, $"lib/{targetFramework}/CoopRuntime.pdb"));

        // The CodeView entry names the PDB the debugger looks for; the .snupkg's PDB must be that one.
        var codeView = assembly.ReadDebugDirectory().Single(e => e.Type == DebugDirectoryEntryType.CodeView);
        var pdbId = new BlobContentId(pdbProvider.GetMetadataReader().DebugMetadataHeader!.Id);
        Assert.Equal("CoopRuntime.pdb", Path.GetFileName(assembly.ReadCodeViewDebugDirectoryData(codeView).Path));
        Assert.Equal((assembly.ReadCodeViewDebugDirectoryData(codeView).Guid, codeView.Stamp), (pdbId.Guid, pdbId.Stamp));
    }

    [Theory]
    [MemberData(nameof(TargetFrameworks))]
    public void Assembly_IsADeterministicBuildWithMappedSourcePaths(string targetFramework)
    {
        using var nupkg = ZipFile.OpenRead(package.PackagePath);
        using var snupkg = ZipFile.OpenRead(package.SymbolPackagePath);
        using var assembly = new PEReader(ReadBytes(nupkg, $"lib/{targetFramework}/CoopRuntime.dll"));
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbImage(ReadBytes(snupkg, $"lib/{targetFramework}/CoopRuntime.pdb"));
        var pdb = pdbProvider.GetMetadataReader();

        // The compiler adds this entry only when it built deterministically (same inputs, same bytes).
        Assert.Contains(assembly.ReadDebugDirectory(), e => e.Type == DebugDirectoryEntryType.Reproducible);

        // ContinuousIntegrationBuild maps the repository root to /_/, so the PDB does not depend on where it was built.
        var documents = pdb.Documents.Select(d => pdb.GetString(pdb.GetDocument(d).Name)).ToList();
        Assert.Contains("/_/src/CoopRuntime/Loop/EventLoop.cs", documents);
        Assert.All(documents, d => Assert.DoesNotContain(GuideText.RepositoryRoot, d, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TargetFrameworks))]
    public void Pdb_HasSourceLinkToTheRepositoryAtTheBuiltCommit(string targetFramework)
    {
        using var snupkg = ZipFile.OpenRead(package.SymbolPackagePath);
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbImage(ReadBytes(snupkg, $"lib/{targetFramework}/CoopRuntime.pdb"));
        var pdb = pdbProvider.GetMetadataReader();

        var sourceLink = pdb.CustomDebugInformation
            .Select(pdb.GetCustomDebugInformation)
            .Where(cdi => pdb.GetGuid(cdi.Kind) == SourceLinkKind)
            .Select(cdi => Encoding.UTF8.GetString(pdb.GetBlobBytes(cdi.Value)))
            .SingleOrDefault();
        Assert.True(
            sourceLink is not null,
            $"CoopRuntime.pdb ({targetFramework}) has no SourceLink, although the pack ran with the remote '{PackedPackage.RemoteName}' " +
            $"= {PackedPackage.RepositoryUrl}. The pack's warnings:\n{Warnings()}");

        // GitHub's raw-content URL of the commit HEAD, for the whole repository (/_/ is its root in the PDB).
        var documents = JsonDocument.Parse(sourceLink).RootElement.GetProperty("documents");
        var mappings = documents.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(
            new Dictionary<string, string?> { ["/_/*"] = $"https://raw.githubusercontent.com/CoopRuntime/CoopRuntime/{HeadCommit()}/*" },
            mappings);
    }

    private static ImmutableArray<byte> ReadBytes(ZipArchive archive, string path)
    {
        var entry = archive.GetEntry(path);
        Assert.True(entry is not null, $"The package lacks {path}; it has: {string.Join(", ", archive.Entries.Select(e => e.FullName))}");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return ImmutableArray.Create(copy.ToArray());
    }

    private static string ReadText(ZipArchive archive, string path) =>
        Encoding.UTF8.GetString(ReadBytes(archive, path).AsSpan()).TrimStart('\uFEFF');

    private static XElement Element(XElement parent, string localName) =>
        parent.Elements().SingleOrDefault(e => e.Name.LocalName == localName)
        ?? throw new Xunit.Sdk.XunitException($"The nuspec has no <{localName}> element:\n{parent}");

    private static string HeadCommit()
    {
        var git = ExternalTool.RunProcess("git", ["-C", GuideText.RepositoryRoot, "rev-parse", "HEAD"]);
        Assert.True(git.ExitCode == 0, $"git rev-parse HEAD failed: {git}");
        return git.Output.Trim();
    }

    private XElement ReadNuspecMetadata()
    {
        using var nupkg = ZipFile.OpenRead(package.PackagePath);
        var nuspec = XDocument.Parse(ReadText(nupkg, "CoopRuntime.nuspec"));
        return Element(nuspec.Root!, "metadata");
    }

    private string Warnings() =>
        string.Join('\n', package.PackOutput.Split('\n').Where(line => line.Contains("warning", StringComparison.OrdinalIgnoreCase)).Distinct());
}
