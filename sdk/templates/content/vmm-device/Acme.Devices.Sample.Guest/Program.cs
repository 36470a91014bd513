using Acme.Devices.Sample.Guest;

if (args is not [var path])
{
    Console.Error.WriteLine("usage: dotnet run --project Acme.Devices.Sample.Guest -- <file>   (vm.json loads guest.bin)");
    return 1;
}

var image = SampleGuest.Assemble();
File.WriteAllBytes(path, image);
Console.WriteLine($"{Path.GetFullPath(path)}: {image.Length} bytes of guest code, loaded at 0x{SampleGuest.LoadAddress:x}");
return 0;
