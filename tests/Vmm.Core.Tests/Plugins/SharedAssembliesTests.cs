using Vmm.Core.Plugins;

namespace Vmm.Core.Tests.Plugins;

public class SharedAssembliesTests
{
    private static readonly Dictionary<string, Version> Host = new()
    {
        ["Vmm.Sdk"] = new Version(1, 2, 0, 0),
        ["Microsoft.Extensions.Logging.Abstractions"] = new Version(10, 0, 0, 0),
    };

    [Theory]
    [InlineData("Vmm.Sdk", "1.2.0.0", true)]                                    // the same SDK
    [InlineData("Vmm.Sdk", "1.1.0.0", true)]                                    // an older SDK minor
    [InlineData("Vmm.Sdk", "1.0.0.0", true)]                                    // the first release of the host's major
    [InlineData("Vmm.Sdk", "0.9.0.0", false)]                                   // an older major: what it calls may be gone
    [InlineData("Vmm.Sdk", "1.3.0.0", false)]                                   // a newer minor: members the host lacks
    [InlineData("Vmm.Sdk", "2.0.0.0", false)]                                   // a newer major
    [InlineData("Microsoft.Extensions.Logging.Abstractions", "9.0.0.0", true)]  // older abstractions bind to the host's
    [InlineData("Microsoft.Extensions.Logging.Abstractions", "11.0.0.0", false)]
    [InlineData("Newtonsoft.Json", "99.0.0.0", true)]                           // not shared: private to the plugin
    public void Plugin_loads_only_if_no_shared_assembly_is_newer_than_the_hosts_and_its_sdk_major_is_the_hosts(string name, string version, bool loads)
    {
        var conflict = SharedAssemblies.FindConflicts("P", "/p/P.dll", [new(name, Version.Parse(version))], Host);

        Assert.Equal(loads, conflict is null);
    }

    [Fact]
    public void Conflict_names_the_plugin_the_assembly_and_both_versions_sdk_first()
    {
        var conflict = SharedAssemblies.FindConflicts("P", "/p/P.dll",
            [new("Microsoft.Extensions.Logging.Abstractions", new Version(11, 0, 0, 0)), new("Vmm.Sdk", new Version(2, 0, 0, 0))], Host);

        Assert.Equal("plugin 'P' (/p/P.dll) was built against Vmm.Sdk 2.0.0.0 but the host has 1.2.0.0, "
            + "and against Microsoft.Extensions.Logging.Abstractions 11.0.0.0 but the host has 10.0.0.0; "
            + "rebuild the plugin against the host's SDK or update the host", conflict);
    }

    [Fact]
    public void Newer_sdk_major_is_refused_naming_both_versions_and_suggesting_either_side()
    {
        var conflict = SharedAssemblies.FindConflicts("P", "/p/P.dll", [new("Vmm.Sdk", new Version(2, 1, 0, 0))], Host);

        Assert.Equal("plugin 'P' (/p/P.dll) was built against Vmm.Sdk 2.1.0.0 but the host has 1.2.0.0; "
            + "rebuild the plugin against the host's SDK or update the host", conflict);
    }

    [Fact]
    public void Older_sdk_major_is_refused_naming_both_versions_and_the_major_to_rebuild_against()
    {
        var conflict = SharedAssemblies.FindConflicts("P", "/p/P.dll",
            [new("Microsoft.Extensions.Logging.Abstractions", new Version(9, 0, 0, 0)), new("Vmm.Sdk", new Version(0, 9, 0, 0))], Host);

        Assert.Equal("plugin 'P' (/p/P.dll) was built against Vmm.Sdk 0.9.0.0, an older major version than the host's 1.2.0.0; "
            + "rebuild the plugin against SDK 1.x", conflict);
    }

    [Fact]
    public void Older_sdk_minor_loads()
    {
        var conflict = SharedAssemblies.FindConflicts("P", "/p/P.dll",
            [new("Vmm.Sdk", new Version(1, 0, 0, 0)), new("Microsoft.Extensions.Logging.Abstractions", new Version(9, 0, 0, 0))], Host);

        Assert.Null(conflict);
    }

    [Fact]
    public void Older_sdk_major_and_newer_abstractions_are_named_in_one_line()
    {
        var conflict = SharedAssemblies.FindConflicts("P", "/p/P.dll",
            [new("Microsoft.Extensions.Logging.Abstractions", new Version(11, 0, 0, 0)), new("Vmm.Sdk", new Version(0, 9, 0, 0))], Host);

        Assert.Equal("plugin 'P' (/p/P.dll) was built against Vmm.Sdk 0.9.0.0, an older major version than the host's 1.2.0.0, "
            + "and against Microsoft.Extensions.Logging.Abstractions 11.0.0.0 but the host has 10.0.0.0; "
            + "rebuild the plugin against SDK 1.x", conflict);
    }

    [Fact]
    public void Host_versions_cover_the_sdk_and_the_abstractions_it_exposes_only()
    {
        var host = SharedAssemblies.HostVersions;

        Assert.Equal(typeof(Vmm.Sdk.IVmmPlugin).Assembly.GetName().Version, host["Vmm.Sdk"]);
        Assert.Equal(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.GetName().Version, host["Microsoft.Extensions.Logging.Abstractions"]);
        Assert.Contains("Microsoft.Extensions.DependencyInjection.Abstractions", host.Keys);
        Assert.Contains("Microsoft.Extensions.Options", host.Keys);
        Assert.Contains("Microsoft.Extensions.Primitives", host.Keys);
        Assert.DoesNotContain("Newtonsoft.Json", host.Keys);
        Assert.DoesNotContain("McMaster.NETCore.Plugins", host.Keys);
    }
}
