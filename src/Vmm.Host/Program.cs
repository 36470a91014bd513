Console.WriteLine("vmm");
