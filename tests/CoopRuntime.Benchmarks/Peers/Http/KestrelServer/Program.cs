// ASP.NET Core Kestrel minimal API for the `compare` HTTP workload: usage `KestrelServer PORT`.
// GET / answers "Hello, World!" as text/plain, like the sample's route; logging is off so it measures serving.
var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
var app = builder.Build();
app.MapGet("/", () => "Hello, World!");
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("ready"));
app.Run();
