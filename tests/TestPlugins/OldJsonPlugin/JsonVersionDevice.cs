using System.Text;
using Newtonsoft.Json;
using Vmm.Sdk;

namespace OldJsonPlugin;

/// <summary>
/// A read answers <c>{"newtonsoft":"&lt;assembly version&gt;"}</c>, serialised by the Newtonsoft.Json this
/// plugin's load context resolved, so a test sees which copy the plugin got (and that it works).
/// </summary>
public sealed class JsonVersionDevice : IBusDevice
{
    public void Read(in BusAccess access, Span<byte> data)
    {
        var version = typeof(JsonConvert).Assembly.GetName().Version!.ToString();
        var json = JsonConvert.SerializeObject(new Dictionary<string, string> { ["newtonsoft"] = version });
        var bytes = Encoding.UTF8.GetBytes(json);
        bytes.AsSpan(0, Math.Min(bytes.Length, data.Length)).CopyTo(data);
    }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data) { }
}
