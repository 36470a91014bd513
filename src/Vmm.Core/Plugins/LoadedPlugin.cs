using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace Vmm.Core.Plugins;

/// <summary>
/// A plugin ready to use: its entry point, created once, and the device types it offers. Comes from
/// <see cref="PluginLoader"/> for a plugin folder, or from <see cref="FromEntry"/> / <see cref="FromType{T}"/>
/// for a plugin compiled into the process (tests, the mock vCPU kit).
/// </summary>
/// <example>
/// <code>
/// var catalog = new PluginCatalog([LoadedPlugin.FromType&lt;SerialPlugin&gt;(), .. new PluginLoader().LoadAll(["plugins"])]);
/// </code>
/// </example>
public sealed class LoadedPlugin
{
    private LoadedPlugin(string name, string version, Version sdkVersion, string? folder, IVmmPlugin entry, IReadOnlyList<DeviceType> deviceTypes)
    {
        Name = name;
        Version = version;
        SdkVersion = sdkVersion;
        Folder = folder;
        Entry = entry;
        DeviceTypes = deviceTypes;
    }

    /// <summary>The plugin's assembly name (<c>Vmm.Devices.Serial</c>).</summary>
    public string Name { get; }

    /// <summary>The plugin's informational version, else its file version, else its assembly version.</summary>
    public string Version { get; }

    /// <summary>The version of <c>Vmm.Sdk</c> the plugin was built against.</summary>
    public Version SdkVersion { get; }

    /// <summary>The folder the plugin was loaded from; null for a plugin compiled into the process.</summary>
    public string? Folder { get; }

    /// <summary>The plugin's entry point.</summary>
    public IVmmPlugin Entry { get; }

    /// <summary>The device types <see cref="IVmmPlugin.ConfigureServices"/> registers, in registration order.</summary>
    public IReadOnlyList<DeviceType> DeviceTypes { get; }

    /// <summary>Wraps a plugin entry point compiled into the process.</summary>
    /// <exception cref="PluginLoadException">Its <see cref="IVmmPlugin.ConfigureServices"/> throws.</exception>
    public static LoadedPlugin FromEntry(IVmmPlugin entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var assembly = entry.GetType().Assembly;
        return Create(entry, assembly.GetName().Name!, SdkVersionOf(assembly), folder: null);
    }

    /// <summary>Creates <typeparamref name="T"/> and wraps it as a plugin compiled into the process.</summary>
    /// <exception cref="PluginLoadException">The constructor or <see cref="IVmmPlugin.ConfigureServices"/> throws.</exception>
    public static LoadedPlugin FromType<T>() where T : IVmmPlugin, new()
    {
        T entry;
        try
        {
            entry = new T();
        }
        catch (Exception ex)
        {
            // new T() goes through Activator, which wraps what the constructor threw.
            var thrown = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            var name = typeof(T).Assembly.GetName().Name!;
            throw new PluginLoadException(ConstructorThrew(name, InProcess, typeof(T), thrown), thrown);
        }
        return FromEntry(entry);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Version} ({Folder ?? InProcess})";

    internal const string InProcess = "in-process";

    /// <summary>Creates the plugin record and collects its device types from a throwaway service collection.</summary>
    internal static LoadedPlugin Create(IVmmPlugin entry, string name, Version sdkVersion, string? folder)
    {
        // ConfigureServices only registers; the VM calls it again on the plugin's own collection per VM.
        var services = new ServiceCollection();
        try
        {
            entry.ConfigureServices(services);
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException)
        {
            throw new PluginLoadException(FailedToLoad(name, folder ?? InProcess, ex), ex);
        }
        catch (Exception ex)
        {
            throw new PluginLoadException(
                $"plugin '{name}' ({folder ?? InProcess}): {entry.GetType().FullName}.ConfigureServices threw {PluginLoadException.Describe(ex)}; "
                + "fix the plugin's registrations", ex);
        }

        var deviceTypes = new List<DeviceType>();
        foreach (var descriptor in services)
        {
            // ImplementationInstance throws for keyed descriptors; AddDeviceType registers unkeyed instances.
            if (descriptor.ServiceType == typeof(DeviceType) && !descriptor.IsKeyedService && descriptor.ImplementationInstance is DeviceType type)
                deviceTypes.Add(type);
        }
        return new LoadedPlugin(name, VersionOf(entry.GetType().Assembly), sdkVersion, folder, entry, deviceTypes);
    }

    internal static string ConstructorThrew(string name, string where, Type entryType, Exception thrown) =>
        thrown is FileNotFoundException or FileLoadException
            ? FailedToLoad(name, where, thrown)
            : $"plugin '{name}' ({where}): the constructor of entry point {entryType.FullName} threw {PluginLoadException.Describe(thrown)}; "
              + "fix the plugin or what its constructor depends on";

    // A dependency missing from the plugin folder surfaces wherever its first type is touched: listing the
    // assembly's types, the entry's constructor, or ConfigureServices. All of them say the same thing.
    internal static string FailedToLoad(string name, string where, Exception thrown) =>
        $"plugin '{name}' ({where}) failed to load: {PluginLoadException.Describe(thrown)}; republish the plugin folder with all its dependencies";

    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version
        ?? assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    private static Version SdkVersionOf(Assembly assembly) =>
        assembly.GetReferencedAssemblies().FirstOrDefault(reference => reference.Name == SharedAssemblies.SdkName)?.Version
        ?? SharedAssemblies.HostSdkVersion;
}
