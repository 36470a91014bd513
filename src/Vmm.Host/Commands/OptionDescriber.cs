using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Vmm.Sdk;

namespace Vmm.Host.Commands;

/// <summary>
/// How <c>vmm plugins</c> shows a device type to the person writing <c>vm.json</c>: each option as it is written
/// there (camelCase; binding ignores case), its C# type, its default, and what it is for, taken from
/// <see cref="DescriptionAttribute"/> on the property or else from the <c>&lt;summary&gt;</c> in the plugin's XML
/// documentation file (<c>&lt;Assembly&gt;.xml</c> beside its dll); and the ranges and lines the defaults claim.
/// </summary>
/// <example><c>port: ushort = 0x3f8 — First of the 8 I/O ports the UART decodes (COM1 0x3f8, COM2 0x2f8).</c></example>
public sealed partial class OptionDescriber
{
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(char)] = "char",
        [typeof(short)] = "short", [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint",
        [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(float)] = "float", [typeof(double)] = "double",
        [typeof(decimal)] = "decimal", [typeof(string)] = "string", [typeof(object)] = "object",
    };

    // One parse per documentation file, however many types and options it documents; null: no usable file.
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>?> _documentation = new(StringComparer.Ordinal);
    private readonly NullabilityInfoContext _nullability = new();

    /// <summary>One line per option of <paramref name="type"/>: <c>name: type = default — description</c>.</summary>
    public IReadOnlyList<string> DescribeOptions(DeviceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var defaults = type.CreateDefaultOptions();
        var lines = new List<string>();
        foreach (var property in type.OptionsClass.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // What the configuration binder sets: public settable, non-indexed properties.
            if (property.GetSetMethod() is null || property.GetIndexParameters().Length > 0)
                continue;
            var line = $"{JsonNamingPolicy.CamelCase.ConvertName(property.Name)}: {TypeName(property)} = {DefaultOf(property, defaults)}";
            lines.Add(DescriptionOf(property) is { } description ? $"{line} — {description}" : line);
        }
        return lines;
    }

    /// <summary>
    /// The ranges and interrupt lines an instance with the default options claims (<c>port 0x3f8-0x3ff, irq 4</c>),
    /// or null when the defaults claim nothing or are not valid on their own.
    /// </summary>
    public static string? DescribeResources(DeviceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        DeviceResources resources;
        try
        {
            resources = type.DescribeResources(type.CreateDefaultOptions());
        }
        catch (Exception)
        {
            // Plugin code: a type whose defaults are placeholders (a port the user must choose) may refuse them;
            // then there is no default claim to show, and the listing goes on.
            return null;
        }
        var parts = resources.Ranges.Select(Range).Concat(resources.Interrupts.Select(gsi => $"irq {gsi}")).ToList();
        return parts.Count == 0 ? null : string.Join(", ", parts);

        static string Range(DeviceRange range) =>
            $"{(range.Space == AddressSpace.Port ? "port" : "mmio")} 0x{range.Base:x}{(range.Length == 1 ? "" : $"-0x{range.Last:x}")}";
    }

    /// <summary>The type as C# writes it: keywords, <c>int?</c>, <c>string?</c>, <c>ushort[]</c>, <c>List&lt;string&gt;</c>, <c>enum (Fifo|None)</c>.</summary>
    public string TypeName(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        var name = TypeName(property.PropertyType);
        return !property.PropertyType.IsValueType && _nullability.Create(property).WriteState == NullabilityState.Nullable ? name + "?" : name;
    }

    /// <summary>A default as it would be written in <c>vm.json</c>: unsigned integers in hex, strings quoted, <c>(none)</c> for null.</summary>
    public static string FormatValue(object? value) => value switch
    {
        null => "(none)",
        ushort or uint or ulong => $"0x{value:x}",
        bool flag => flag ? "true" : "false",
        string text => $"\"{text}\"",
        Enum => value.ToString()!,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => $"[{string.Join(", ", items.Cast<object?>().Select(FormatValue))}]",
        _ => value.ToString() ?? "",
    };

    /// <summary>The property's <see cref="DescriptionAttribute"/>, else its XML documentation summary, one line; null if neither.</summary>
    public string? DescriptionOf(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        if (property.GetCustomAttribute<DescriptionAttribute>()?.Description is { Length: > 0 } description)
            return Normalize(description);
        var declaringType = property.DeclaringType!;
        return DocumentationOf(declaringType.Assembly)?.GetValueOrDefault($"P:{DocumentationId(declaringType)}.{property.Name}");
    }

    private static string TypeName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
            return TypeName(underlying) + "?";
        if (type.IsEnum)
            return $"enum ({string.Join('|', Enum.GetNames(type))})";
        if (type.IsArray)
            return TypeName(type.GetElementType()!) + "[]";
        if (Keywords.TryGetValue(type, out var keyword))
            return keyword;
        if (type.IsGenericType)
            return $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
        return type.Name;
    }

    private string DefaultOf(PropertyInfo property, object defaults)
    {
        try
        {
            return FormatValue(property.GetValue(defaults));
        }
        catch (TargetInvocationException)
        {
            return "(its getter throws)";
        }
    }

    private IReadOnlyDictionary<string, string>? DocumentationOf(Assembly assembly)
    {
        // An assembly loaded from bytes has no location, so no file beside it.
        if (string.IsNullOrEmpty(assembly.Location))
            return null;
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!_documentation.TryGetValue(path, out var summaries))
        {
            summaries = ReadSummaries(path);
            _documentation.Add(path, summaries);
        }
        return summaries;
    }

    private static IReadOnlyDictionary<string, string>? ReadSummaries(string path)
    {
        if (!File.Exists(path))
            return null;
        XDocument document;
        try
        {
            document = XDocument.Load(path);
        }
        catch (Exception ex) when (ex is XmlException or IOException or UnauthorizedAccessException)
        {
            // A broken documentation file costs the descriptions, not the listing.
            return null;
        }
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in document.Descendants("member"))
        {
            if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary && Normalize(TextOf(summary)) is { Length: > 0 } text)
                summaries.TryAdd(name, text);
        }
        return summaries;
    }

    // The documentation ID of a type (ECMA-334 annex D): namespace-qualified, nested types joined with '.',
    // generic types by their definition with its arity (Outer`1).
    private static string DocumentationId(Type type) =>
        (type.IsGenericType ? type.GetGenericTypeDefinition() : type).FullName!.Replace('+', '.');

    // A summary's text as a reader sees it rendered: <c>x</c> is x, <see cref="T:N.Type"/> is Type,
    // <see langword="null"/> is null, <paramref name="p"/> is p.
    private static string TextOf(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText plain:
                    text.Append(plain.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } reference when reference.IsEmpty || reference.Value.Length == 0:
                    text.Append(reference.Attribute("langword")?.Value ?? CrefName(reference.Attribute("cref")?.Value ?? reference.Attribute("href")?.Value ?? ""));
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } parameter:
                    text.Append(parameter.Attribute("name")?.Value);
                    break;
                case XElement { Name.LocalName: "para" or "br" } block:
                    text.Append(' ').Append(TextOf(block)).Append(' ');
                    break;
                case XElement inner:
                    text.Append(TextOf(inner));
                    break;
            }
        }
        return text.ToString();
    }

    // T:N.QueueMode is QueueMode; F:N.QueueMode.Fifo and M:N.Type.Method(System.Int32) keep their type: QueueMode.Fifo, Type.Method.
    private static string CrefName(string cref)
    {
        var id = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        var kind = cref.Length > 2 && cref[1] == ':' ? cref[0] : 'T';
        var parenthesis = id.IndexOf('(', StringComparison.Ordinal);
        if (parenthesis >= 0)
            id = id[..parenthesis];
        var parts = id.Split('.');
        return kind == 'T' || parts.Length < 2 ? parts[^1] : $"{parts[^2]}.{parts[^1]}";
    }

    private static string Normalize(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
