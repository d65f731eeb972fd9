/// The built-in scenarios, in the order `mmscope scenarios` lists them.
public enum ScenarioLibrary {
  public static let all: [Scenario] =
    [TourScenario.scenario, TeachFitsScenario.scenario, ShapeMattersScenario.scenario, ThreadStacksScenario.scenario]
    + TestVmallocScenarios.all + PhysicalScenarios.all

  public static func named(_ name: String) -> Scenario? { all.first { $0.name == name } }
}
